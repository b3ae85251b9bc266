; C shaping (C++ inherits it). A suggestion stops where the innermost @unit that
; began before the cursor ends; inside a @singleline node it is one line. An
; opening bracket at the end of the line makes it multi-line (no query needed).

[
  (expression_statement)
  (declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (switch_statement)
  (break_statement)
  (continue_statement)
  (goto_statement)
  (labeled_statement)
  (function_definition)
  (type_definition)
  (field_declaration)
  (compound_statement)
  (field_declaration_list)
  (enumerator_list)
  (preproc_include)
  (preproc_def)
  (preproc_function_def)
] @unit

((comment) @singleline
  (#match? @singleline "^//"))
