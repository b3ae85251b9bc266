; Rust definitions.

; Methods: fn / fn signatures directly in impl and trait bodies.
(impl_item
  body: (declaration_list
    (function_item
      name: (identifier) @name) @definition.method))

(trait_item
  body: (declaration_list
    [
      (function_item
        name: (identifier) @name) @definition.method
      (function_signature_item
        name: (identifier) @name) @definition.method
    ]))

; Functions: crate root, inline modules, nested in blocks, extern blocks.
[
  (source_file
    (function_item
      name: (identifier) @name) @definition.function)
  (mod_item
    body: (declaration_list
      (function_item
        name: (identifier) @name) @definition.function))
  (block
    (function_item
      name: (identifier) @name) @definition.function)
  (foreign_mod_item
    body: (declaration_list
      (function_signature_item
        name: (identifier) @name) @definition.function))
]

(struct_item
  name: (type_identifier) @name) @definition.struct

(union_item
  name: (type_identifier) @name) @definition.struct

(enum_item
  name: (type_identifier) @name) @definition.enum

(enum_variant
  name: (identifier) @name) @definition.constant

(trait_item
  name: (type_identifier) @name) @definition.trait

(type_item
  name: (type_identifier) @name) @definition.type

(associated_type
  name: (type_identifier) @name) @definition.type

(mod_item
  name: (identifier) @name) @definition.module

(const_item
  name: (identifier) @name) @definition.constant

(static_item
  name: (identifier) @name) @definition.variable

(macro_definition
  name: (identifier) @name) @definition.macro

(field_declaration
  name: (field_identifier) @name) @definition.field
