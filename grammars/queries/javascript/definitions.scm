; JavaScript definitions.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(class_declaration
  name: (identifier) @name) @definition.class

(method_definition
  name: [
    (property_identifier)
    (private_property_identifier)
  ] @name) @definition.method

(field_definition
  property: [
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
          (array) (await_expression) (binary_expression) (call_expression) (false)
          (identifier) (member_expression) (new_expression) (null) (number) (object)
          (parenthesized_expression) (regex) (string) (subscript_expression)
          (template_string) (ternary_expression) (true) (unary_expression) (undefined)
        ]) @definition.constant)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (await_expression) (binary_expression) (call_expression) (false)
          (identifier) (member_expression) (new_expression) (null) (number) (object)
          (parenthesized_expression) (regex) (string) (subscript_expression)
          (template_string) (ternary_expression) (true) (unary_expression) (undefined)
        ]) @definition.constant)
    (export_statement
      declaration: (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (await_expression) (binary_expression) (call_expression) (false)
            (identifier) (member_expression) (new_expression) (null) (number) (object)
            (parenthesized_expression) (regex) (string) (subscript_expression)
            (template_string) (ternary_expression) (true) (unary_expression) (undefined)
          ]) @definition.constant))
    (export_statement
      declaration: (variable_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (await_expression) (binary_expression) (call_expression) (false)
            (identifier) (member_expression) (new_expression) (null) (number) (object)
            (parenthesized_expression) (regex) (string) (subscript_expression)
            (template_string) (ternary_expression) (true) (unary_expression) (undefined)
          ]) @definition.constant))
  ]
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(program
  [
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (await_expression) (binary_expression) (call_expression) (false)
          (identifier) (member_expression) (new_expression) (null) (number) (object)
          (parenthesized_expression) (regex) (string) (subscript_expression)
          (template_string) (ternary_expression) (true) (unary_expression) (undefined)
        ]) @definition.variable)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (array) (await_expression) (binary_expression) (call_expression) (false)
          (identifier) (member_expression) (new_expression) (null) (number) (object)
          (parenthesized_expression) (regex) (string) (subscript_expression)
          (template_string) (ternary_expression) (true) (unary_expression) (undefined)
        ]) @definition.variable)
    (export_statement
      declaration: (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (await_expression) (binary_expression) (call_expression) (false)
            (identifier) (member_expression) (new_expression) (null) (number) (object)
            (parenthesized_expression) (regex) (string) (subscript_expression)
            (template_string) (ternary_expression) (true) (unary_expression) (undefined)
          ]) @definition.variable))
    (export_statement
      declaration: (variable_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (array) (await_expression) (binary_expression) (call_expression) (false)
            (identifier) (member_expression) (new_expression) (null) (number) (object)
            (parenthesized_expression) (regex) (string) (subscript_expression)
            (template_string) (ternary_expression) (true) (unary_expression) (undefined)
          ]) @definition.variable))
  ]
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))

; Module-level declarations without a value: let x; var y;
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
  ])
