; Java definitions.

(package_declaration
  [
    (identifier)
    (scoped_identifier)
  ] @name) @definition.module

(module_declaration
  name: [
    (identifier)
    (scoped_identifier)
  ] @name) @definition.module

(class_declaration
  name: (identifier) @name) @definition.class

(record_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.interface

(annotation_type_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name) @definition.enum

(enum_constant
  name: (identifier) @name) @definition.constant

(method_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.method

(compact_constructor_declaration
  name: (identifier) @name) @definition.method

(annotation_type_element_declaration
  name: (identifier) @name) @definition.method

; Fields: UPPER_CASE names are constants (static finals by convention).
; One match per declarator: int a, b;
(field_declaration
  declarator: (variable_declarator
    name: (identifier) @name)
  (#match? @name "^_*[A-Z][A-Z0-9_]*$")) @definition.constant

(field_declaration
  declarator: (variable_declarator
    name: (identifier) @name)
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$")) @definition.field

; Interface constants.
(constant_declaration
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.constant

; Record components: record Pair(String left, String right)
(record_declaration
  parameters: (formal_parameters
    (formal_parameter
      name: (identifier) @name) @definition.field))
