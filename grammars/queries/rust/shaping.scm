; Rust shaping. A suggestion stops where the innermost @unit that began before the
; cursor ends; inside a @singleline node it is one line. An opening bracket at the
; end of the line makes it multi-line (no query needed).

[
  (expression_statement)
  (let_declaration)
  (function_item)
  (impl_item)
  (trait_item)
  (struct_item)
  (enum_item)
  (union_item)
  (mod_item)
  (use_declaration)
  (const_item)
  (static_item)
  (type_item)
  (macro_definition)
  (block)
  (declaration_list)
  (field_declaration_list)
  (enum_variant_list)
  (match_block)
] @unit

(line_comment) @singleline

; The items of a module body parse as they would at the top of a file: the window that
; shaping re-parses may start at the item holding the cursor instead of at the module.
(mod_item body: (declaration_list) @toplevel)
