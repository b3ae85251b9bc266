; Bash definitions.

(function_definition
  name: (word) @name) @definition.function

; Top-level `readonly NAME=...` is a constant.
(program
  (declaration_command
    "readonly"
    (variable_assignment
      name: (variable_name) @name) @definition.constant))

; Other top-level assignments: NAME=..., export/declare/typeset NAME=..., A=1 B=2
(program
  [
    (variable_assignment
      name: (variable_name) @name) @definition.variable
    (variable_assignments
      (variable_assignment
        name: (variable_name) @name) @definition.variable)
    (declaration_command
      [
        "export"
        "declare"
        "typeset"
      ]
      (variable_assignment
        name: (variable_name) @name) @definition.variable)
  ])
