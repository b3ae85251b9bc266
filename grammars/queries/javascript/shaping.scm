; JavaScript shaping (TypeScript and TSX inherit it). A suggestion stops where the
; innermost @unit that began before the cursor ends; inside a @singleline node it
; is one line. An opening bracket at the end of the line makes it multi-line
; (no query needed).

[
  (expression_statement)
  (lexical_declaration)
  (variable_declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (switch_statement)
  (throw_statement)
  (break_statement)
  (continue_statement)
  (debugger_statement)
  (labeled_statement)
  (import_statement)
  (export_statement)
  (function_declaration)
  (generator_function_declaration)
  (class_declaration)
  (method_definition)
  (class_static_block)
  (statement_block)
  (class_body)
  (switch_body)
] @unit

((comment) @singleline
  (#match? @singleline "^//"))
