; Rust scopes. `fn` directly in an impl or trait body is a method; every other
; `fn` (crate root, inline modules, nested in blocks) a function.

(impl_item
  body: (declaration_list
    (function_item
      name: (identifier) @name) @scope.method))

(trait_item
  body: (declaration_list
    (function_item
      name: (identifier) @name) @scope.method))

[
  (source_file
    (function_item
      name: (identifier) @name) @scope.function)
  (mod_item
    body: (declaration_list
      (function_item
        name: (identifier) @name) @scope.function))
  (block
    (function_item
      name: (identifier) @name) @scope.function)
]

; impl [Trait for] Type { ... }: the name is the implementing type (its base
; name for generic and scoped types: `impl<T> Display for Wrapper<T>` -> Wrapper).
(impl_item
  type: [
    (type_identifier) @name
    (scoped_type_identifier
      name: (type_identifier) @name)
    (generic_type
      type: [
        (type_identifier) @name
        (scoped_type_identifier
          name: (type_identifier) @name)
      ])
    (array_type)
    (dynamic_type)
    (function_type)
    (pointer_type)
    (primitive_type)
    (reference_type)
    (tuple_type)
    (unit_type)
  ]) @scope.impl

(trait_item
  name: (type_identifier) @name) @scope.trait

(mod_item
  name: (identifier) @name
  body: (declaration_list)) @scope.module

(struct_item
  name: (type_identifier) @name) @scope.struct

(union_item
  name: (type_identifier) @name) @scope.struct

(enum_item
  name: (type_identifier) @name) @scope.enum

; let name = |args| ...;
(let_declaration
  pattern: (identifier) @name
  value: (closure_expression) @scope.function)
