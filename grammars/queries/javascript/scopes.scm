; JavaScript scopes. TypeScript and TSX inherit this file, so every node type
; and field used here must also exist in those grammars (e.g. no field_definition,
; and class names are matched by field because TS uses type_identifier there).

(function_declaration
  name: (identifier) @name) @scope.function

(generator_function_declaration
  name: (identifier) @name) @scope.function

(class_declaration
  name: (_) @name) @scope.class

(method_definition
  name: (_) @name) @scope.method

; const name = class { ... }
(variable_declarator
  name: (identifier) @name
  value: (class) @scope.class)

; const name = () => {} / function () {} / function* () {}
(variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function)
    (function_expression)
    (generator_function)
  ] @scope.function)

; name = () => {} / obj.name = function () {}
(assignment_expression
  left: [
    (identifier) @name
    (member_expression
      property: (property_identifier) @name)
  ]
  right: [
    (arrow_function)
    (function_expression)
    (generator_function)
  ] @scope.function)

; { name: () => {} } / { name: function () {} }
(pair
  key: (property_identifier) @name
  value: [
    (arrow_function)
    (function_expression)
    (generator_function)
  ] @scope.function)

; Class fields holding functions: `name = () => {}` (field_definition in
; JavaScript, public_field_definition in TypeScript).
(class_body
  (_
    [
      (property_identifier)
      (private_property_identifier)
    ] @name
    [
      (arrow_function)
      (function_expression)
    ] @scope.method))
