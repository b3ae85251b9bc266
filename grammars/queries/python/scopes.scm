; Python scopes. Each node is captured by at most one pattern: `def` directly in a
; class body is a method, every other `def` a function.

(class_definition
  name: (identifier) @name) @scope.class

(class_definition
  body: (block
    [
      (function_definition
        name: (identifier) @name) @scope.method
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name) @scope.method)
    ]))

; Functions at module level, nested in functions, or in compound statements
; (if/for/while/try/with/match blocks).
(module
  [
    (function_definition
      name: (identifier) @name) @scope.function
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name) @scope.function)
  ])

(function_definition
  body: (block
    [
      (function_definition
        name: (identifier) @name) @scope.function
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name) @scope.function)
    ]))

[
  (if_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (elif_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (else_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (for_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (while_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (try_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (except_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (except_group_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (finally_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (with_statement
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
  (case_clause
    (block
      [
        (function_definition
          name: (identifier) @name) @scope.function
        (decorated_definition
          definition: (function_definition
            name: (identifier) @name) @scope.function)
      ]))
]

; name = lambda ...
(assignment
  left: (identifier) @name
  right: (lambda) @scope.function)
