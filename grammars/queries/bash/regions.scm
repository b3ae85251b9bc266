; Bash: the commands and compound statements a next-edit region never cuts through
; (when they fit in it whole).
[
  (command)
  (redirected_statement)
  (pipeline)
  (list)
  (variable_assignment)
  (declaration_command)
  (if_statement)
  (elif_clause)
  (else_clause)
  (for_statement)
  (c_style_for_statement)
  (while_statement)
  (case_statement)
  (case_item)
  (compound_statement)
  (function_definition)
  (comment)
] @region
