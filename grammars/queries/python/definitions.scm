; Python definitions.

(class_definition
  name: (identifier) @name) @definition.class

; Methods: `def` directly in a class body.
(class_definition
  body: (block
    [
      (function_definition
        name: (identifier) @name) @definition.method
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name) @definition.method)
    ]))

; Functions: every other `def` (module level, nested, inside compound statements).
(module
  [
    (function_definition
      name: (identifier) @name) @definition.function
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name) @definition.function)
  ])

(function_definition
  body: (block
    [
      (function_definition
        name: (identifier) @name) @definition.function
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name) @definition.function)
    ]))

[
  (if_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (elif_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (else_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (for_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (while_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (try_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (except_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (except_group_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (finally_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (with_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
  (case_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @definition.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @definition.function)
      ]))
]

; Module-level assignments: UPPER_CASE names are constants, the rest variables.
(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.constant)
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.variable)
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))

; `type Alias = ...` (Python 3.12)
(type_alias_statement
  left: (type
    (identifier) @name)) @definition.type

; Class attributes assigned in the class body.
(class_definition
  body: (block
    (expression_statement
      (assignment
        left: (identifier) @name) @definition.field)))
