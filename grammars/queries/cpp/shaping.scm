; inherits: c
; C++ adds classes, namespaces, templates and its own statements to the C units.

[
  (class_specifier)
  (namespace_definition)
  (template_declaration)
  (alias_declaration)
  (using_declaration)
  (static_assert_declaration)
  (friend_declaration)
  (try_statement)
  (throw_statement)
  (for_range_loop)
  (co_return_statement)
  (co_yield_statement)
  (declaration_list)
] @unit

; The items of these bodies parse as they would at the top of a file: the window that
; shaping re-parses may start at the item holding the cursor instead of at the block.
(namespace_definition body: (declaration_list) @toplevel)
(linkage_specification body: (declaration_list) @toplevel)
