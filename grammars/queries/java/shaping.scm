; Java shaping. A suggestion stops where the innermost @unit that began before the
; cursor ends; inside a @singleline node it is one line. An opening bracket at the
; end of the line makes it multi-line (no query needed).

[
  (expression_statement)
  (local_variable_declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (enhanced_for_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (try_with_resources_statement)
  (switch_expression)
  (throw_statement)
  (break_statement)
  (continue_statement)
  (yield_statement)
  (synchronized_statement)
  (labeled_statement)
  (assert_statement)
  (import_declaration)
  (package_declaration)
  (field_declaration)
  (method_declaration)
  (constructor_declaration)
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (block)
  (constructor_body)
  (class_body)
  (interface_body)
  (enum_body)
  (switch_block)
] @unit

(line_comment) @singleline
