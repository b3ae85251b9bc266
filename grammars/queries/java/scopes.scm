; Java scopes.

(class_declaration
  name: (identifier) @name) @scope.class

(record_declaration
  name: (identifier) @name) @scope.class

(interface_declaration
  name: (identifier) @name) @scope.interface

(annotation_type_declaration
  name: (identifier) @name) @scope.interface

(enum_declaration
  name: (identifier) @name) @scope.enum

; Enum constants with a class body: FAST { ... }
(enum_constant
  name: (identifier) @name
  body: (class_body)) @scope.class

(method_declaration
  name: (identifier) @name) @scope.method

(constructor_declaration
  name: (identifier) @name) @scope.method

; record Pair(...) { Pair { ... } }
(compact_constructor_declaration
  name: (identifier) @name) @scope.method

; Function<A, B> name = x -> ...;
(variable_declarator
  name: (identifier) @name
  value: (lambda_expression) @scope.function)

(module_declaration
  name: [
    (identifier)
    (scoped_identifier)
  ] @name) @scope.module
