; C++ scopes. Written in full (not inheriting c) so that each node gets exactly one
; kind: member functions defined in a class body are methods, all others
; functions. A function's scope name is its whole declarator name (identifier,
; field_identifier, qualified_identifier such as Circle<T>::area, destructor_name,
; operator_name, template_function).

; Names that only occur on member functions defined in a class body (methods,
; destructors, member templates, conversion operators): methods.
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (field_identifier)
        (destructor_name)
        (template_method)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (field_identifier)
          (destructor_name)
          (template_method)
        ] @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (field_identifier)
          (destructor_name)
          (template_method)
        ] @name))
  ]) @scope.method

(function_definition
  declarator: (operator_cast) @name) @scope.method

; Out-of-class definitions with a qualified name (Foo::bar, Foo<T>::~Foo, ns::f):
; functions (the grammar cannot tell a class from a namespace here). Operator
; overloads (member or free): functions too.
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (qualified_identifier)
        (operator_name)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (qualified_identifier)
          (operator_name)
        ] @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (qualified_identifier)
          (operator_name)
        ] @name))
  ]) @scope.function

; Plain names with a return type: free functions (friends defined in a class too).
(function_definition
  type: (_)
  declarator: [
    (function_declarator
      declarator: [
        (identifier)
        (template_function)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (identifier)
          (template_function)
        ] @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (identifier)
          (template_function)
        ] @name))
  ]) @scope.function

; Plain names without a return type: constructors in a class body.
(field_declaration_list
  [
    (function_definition
      !type
      declarator: (function_declarator
        declarator: [
          (identifier)
          (template_function)
        ] @name)) @scope.method
    (template_declaration
      (function_definition
        !type
        declarator: (function_declarator
          declarator: [
            (identifier)
            (template_function)
          ] @name)) @scope.method)
  ])

; Outside a class body (e.g. gtest TEST(Suite, Name) { } at file or namespace
; level): functions.
[
  (translation_unit
    (function_definition
      !type
      declarator: (function_declarator
        declarator: [
          (identifier)
          (template_function)
        ] @name)) @scope.function)
  (declaration_list
    (function_definition
      !type
      declarator: (function_declarator
        declarator: [
          (identifier)
          (template_function)
        ] @name)) @scope.function)
]

; auto name = [...](...) { ... };
(init_declarator
  declarator: (identifier) @name
  value: (lambda_expression) @scope.function)

(class_specifier
  name: [
    (type_identifier)
    (qualified_identifier)
    (template_type)
  ] @name
  body: (field_declaration_list)) @scope.class

(struct_specifier
  name: [
    (type_identifier)
    (qualified_identifier)
    (template_type)
  ] @name
  body: (field_declaration_list)) @scope.struct

(union_specifier
  name: [
    (type_identifier)
    (qualified_identifier)
    (template_type)
  ] @name
  body: (field_declaration_list)) @scope.struct

(enum_specifier
  name: [
    (type_identifier)
    (qualified_identifier)
    (template_type)
  ] @name
  body: (enumerator_list)) @scope.enum

; typedef struct { ... } name_t;
(type_definition
  type: [
    (struct_specifier
      !name
      body: (field_declaration_list)) @scope.struct
    (union_specifier
      !name
      body: (field_declaration_list)) @scope.struct
    (enum_specifier
      !name
      body: (enumerator_list)) @scope.enum
  ]
  declarator: (type_identifier) @name)

(namespace_definition
  name: [
    (namespace_identifier)
    (nested_namespace_specifier)
  ] @name) @scope.namespace

; Anonymous namespace: a scope without a name.
(namespace_definition
  !name) @scope.namespace
