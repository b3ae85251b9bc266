; Go shaping. A suggestion stops where the innermost @unit that began before the
; cursor ends; inside a @singleline node it is one line. An opening bracket at the
; end of the line makes it multi-line (no query needed).

[
  (expression_statement)
  (assignment_statement)
  (short_var_declaration)
  (inc_statement)
  (dec_statement)
  (send_statement)
  (return_statement)
  (if_statement)
  (for_statement)
  (expression_switch_statement)
  (type_switch_statement)
  (select_statement)
  (go_statement)
  (defer_statement)
  (break_statement)
  (continue_statement)
  (goto_statement)
  (fallthrough_statement)
  (labeled_statement)
  (var_declaration)
  (const_declaration)
  (type_declaration)
  (import_declaration)
  (function_declaration)
  (method_declaration)
  (block)
] @unit

((comment) @singleline
  (#match? @singleline "^//"))
