; Python shaping. A suggestion stops where the innermost @unit that began before
; the cursor ends (a statement, a block, a definition). After an @opener at the
; end of the line the suggestion is multi-line; inside a @singleline node it is
; one line.

[
  (expression_statement)
  (return_statement)
  (pass_statement)
  (break_statement)
  (continue_statement)
  (raise_statement)
  (assert_statement)
  (delete_statement)
  (global_statement)
  (nonlocal_statement)
  (import_statement)
  (import_from_statement)
  (future_import_statement)
  (type_alias_statement)
  (print_statement)
  (exec_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (try_statement)
  (with_statement)
  (match_statement)
  (function_definition)
  (class_definition)
  (decorated_definition)
  (block)
] @unit

; The colon that opens a body.
(function_definition ":" @opener)
(class_definition ":" @opener)
(if_statement ":" @opener)
(elif_clause ":" @opener)
(else_clause ":" @opener)
(for_statement ":" @opener)
(while_statement ":" @opener)
(try_statement ":" @opener)
(except_clause ":" @opener)
(finally_clause ":" @opener)
(with_statement ":" @opener)
(match_statement ":" @opener)
(case_clause ":" @opener)

(comment) @singleline
