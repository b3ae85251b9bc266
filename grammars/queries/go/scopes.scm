; Go scopes.

(function_declaration
  name: (identifier) @name) @scope.function

(method_declaration
  name: (field_identifier) @name) @scope.method

; type Name struct { ... } / interface { ... } / anything else. The type_spec
; (not the type_declaration) is the scope, so grouped `type ( ... )` works too.
(type_spec
  name: (type_identifier) @name
  type: (struct_type)) @scope.struct

(type_spec
  name: (type_identifier) @name
  type: (interface_type)) @scope.interface

(type_spec
  name: (type_identifier) @name
  type: [
    (array_type)
    (channel_type)
    (function_type)
    (generic_type)
    (map_type)
    (negated_type)
    (parenthesized_type)
    (pointer_type)
    (qualified_type)
    (slice_type)
    (type_identifier)
  ]) @scope.type

(type_alias
  name: (type_identifier) @name) @scope.type

; name := func(...) { ... }
(short_var_declaration
  left: (expression_list
    .
    (identifier) @name)
  right: (expression_list
    .
    (func_literal) @scope.function))

; var name = func(...) { ... }
(var_spec
  name: (identifier) @name
  value: (expression_list
    .
    (func_literal) @scope.function))
