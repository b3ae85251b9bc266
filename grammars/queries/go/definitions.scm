; Go definitions.

(package_clause
  (package_identifier) @name) @definition.module

(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  name: (field_identifier) @name) @definition.method

(type_spec
  name: (type_identifier) @name
  type: (struct_type)) @definition.struct

(type_spec
  name: (type_identifier) @name
  type: (interface_type)) @definition.interface

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
  ]) @definition.type

(type_alias
  name: (type_identifier) @name) @definition.type

; Struct fields (one match per name: `X, Y int`).
(field_declaration
  name: (field_identifier) @name) @definition.field

; Interface methods.
(method_elem
  name: (field_identifier) @name) @definition.method

; Constants (package level and local: Go code rarely shadows them).
(const_spec
  name: (identifier) @name) @definition.constant

; Package-level variables.
(source_file
  (var_declaration
    [
      (var_spec
        name: (identifier) @name) @definition.variable
      (var_spec_list
        (var_spec
          name: (identifier) @name) @definition.variable)
    ]))
