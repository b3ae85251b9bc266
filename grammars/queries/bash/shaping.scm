; Bash shaping. A suggestion stops where the innermost @unit that began before the
; cursor ends (a command, a pipeline, a compound command, a function); inside a
; @singleline node (a comment) it is one line. An opening bracket at the end of the
; line makes it multi-line; so do the words after which a body follows (@opener).

[
  (command)
  (declaration_command)
  (unset_command)
  (test_command)
  (negated_command)
  (pipeline)
  (list)
  (redirected_statement)
  (variable_assignment)
  (if_statement)
  (for_statement)
  (c_style_for_statement)
  (while_statement)
  (case_statement)
  (function_definition)
  (compound_statement)
  (subshell)
  (do_group)
] @unit

(do_group "do" @opener)
(if_statement "then" @opener)
(elif_clause "then" @opener)
(else_clause "else" @opener)

(comment) @singleline
