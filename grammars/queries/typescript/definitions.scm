; TypeScript definitions (also inherited by TSX). Written in full rather than
; inheriting javascript: JavaScript's field_definition does not exist here and
; class names are type_identifier.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

; Overloads and `declare function`.
(function_signature
  name: (identifier) @name) @definition.function

(class_declaration
  name: (type_identifier) @name) @definition.class

(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

(interface_declaration
  name: (type_identifier) @name) @definition.interface

(type_alias_declaration
  name: (type_identifier) @name) @definition.type

(enum_declaration
  name: (identifier) @name) @definition.enum

(internal_module
  name: [
    (identifier)
    (nested_identifier)
  ] @name) @definition.module

(module
  name: [
    (identifier) @name
    (nested_identifier) @name
    (string
      (string_fragment) @name)
  ]) @definition.module

(method_definition
  name: [
    (property_identifier)
    (private_property_identifier)
  ] @name) @definition.method

(abstract_method_signature
  name: [
    (property_identifier)
    (private_property_identifier)
  ] @name) @definition.method

; Members of interfaces and of object types named by a type alias.
([
  (interface_body
    (method_signature
      name: [
        (property_identifier)
        (private_property_identifier)
      ] @name) @definition.method)
  (type_alias_declaration
    value: (object_type
      (method_signature
        name: [
          (property_identifier)
          (private_property_identifier)
        ] @name) @definition.method))
])

([
  (interface_body
    (property_signature
      name: [
        (property_identifier)
        (private_property_identifier)
      ] @name) @definition.field)
  (type_alias_declaration
    value: (object_type
      (property_signature
        name: [
          (property_identifier)
          (private_property_identifier)
        ] @name) @definition.field))
])

(public_field_definition
  name: [
    (property_identifier)
    (private_property_identifier)
  ] @name) @definition.field

; const name = () => {} / function () {} (any level, like function declarations)
(variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function)
    (function_expression)
    (generator_function)
  ]) @definition.function

(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

; Module-level variables (including exported ones) whose value is not a
; function or class. UPPER_CASE names are constants.
(program
  [
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (as_expression) (await_expression) (binary_expression) (call_expression)
          (false) (identifier) (member_expression) (new_expression) (non_null_expression)
          (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
          (string) (subscript_expression) (template_string) (ternary_expression) (true)
          (unary_expression) (undefined)
        ]) @definition.constant)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (as_expression) (await_expression) (binary_expression) (call_expression)
          (false) (identifier) (member_expression) (new_expression) (non_null_expression)
          (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
          (string) (subscript_expression) (template_string) (ternary_expression) (true)
          (unary_expression) (undefined)
        ]) @definition.constant)
    (export_statement
      declaration: (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (as_expression) (await_expression) (binary_expression) (call_expression)
            (false) (identifier) (member_expression) (new_expression) (non_null_expression)
            (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
            (string) (subscript_expression) (template_string) (ternary_expression) (true)
            (unary_expression) (undefined)
          ]) @definition.constant))
    (export_statement
      declaration: (variable_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (as_expression) (await_expression) (binary_expression) (call_expression)
            (false) (identifier) (member_expression) (new_expression) (non_null_expression)
            (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
            (string) (subscript_expression) (template_string) (ternary_expression) (true)
            (unary_expression) (undefined)
          ]) @definition.constant))
  ]
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(program
  [
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (as_expression) (await_expression) (binary_expression) (call_expression)
          (false) (identifier) (member_expression) (new_expression) (non_null_expression)
          (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
          (string) (subscript_expression) (template_string) (ternary_expression) (true)
          (unary_expression) (undefined)
        ]) @definition.variable)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (as_expression) (await_expression) (binary_expression) (call_expression)
          (false) (identifier) (member_expression) (new_expression) (non_null_expression)
          (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
          (string) (subscript_expression) (template_string) (ternary_expression) (true)
          (unary_expression) (undefined)
        ]) @definition.variable)
    (export_statement
      declaration: (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (as_expression) (await_expression) (binary_expression) (call_expression)
            (false) (identifier) (member_expression) (new_expression) (non_null_expression)
            (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
            (string) (subscript_expression) (template_string) (ternary_expression) (true)
            (unary_expression) (undefined)
          ]) @definition.variable))
    (export_statement
      declaration: (variable_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (as_expression) (await_expression) (binary_expression) (call_expression)
            (false) (identifier) (member_expression) (new_expression) (non_null_expression)
            (null) (number) (object) (parenthesized_expression) (regex) (satisfies_expression)
            (string) (subscript_expression) (template_string) (ternary_expression) (true)
            (unary_expression) (undefined)
          ]) @definition.variable))
  ]
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))

; Module-level declarations without a value: let x; declare const y: T;
(program
  [
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        !value) @definition.variable)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        !value) @definition.variable)
    (ambient_declaration
      [
        (lexical_declaration
          (variable_declarator
            name: (identifier) @name) @definition.variable)
        (variable_declaration
          (variable_declarator
            name: (identifier) @name) @definition.variable)
      ])
  ])
