; C++ definitions. Written in full (not inheriting c): see scopes.scm. @name is the
; last component of a qualified name (Circle<T>::area -> area).

; Names that only occur on member functions defined in a class body (methods,
; destructors, member templates, conversion operators): methods.
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (field_identifier) @name
        (destructor_name) @name
        (template_method
          name: (field_identifier) @name)
      ])
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (field_identifier) @name
          (destructor_name) @name
          (template_method
            name: (field_identifier) @name)
        ]))
    (reference_declarator
      (function_declarator
        declarator: [
          (field_identifier) @name
          (destructor_name) @name
          (template_method
            name: (field_identifier) @name)
        ]))
  ]) @definition.method

(function_definition
  declarator: (operator_cast) @name) @definition.method

; Out-of-class definitions with a qualified name (Foo::bar, Foo<T>::~Foo, ns::f):
; functions (the grammar cannot tell a class from a namespace here). Operator
; overloads (member or free): functions too.
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (operator_name) @name
        (qualified_identifier
          name: [
            (identifier) @name
            (destructor_name) @name
            (operator_name) @name
            (template_function
              name: (identifier) @name)
            (qualified_identifier
              name: [
                (identifier)
                (destructor_name)
                (operator_name)
              ] @name)
          ])
      ])
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (operator_name) @name
          (qualified_identifier
            name: [
              (identifier) @name
              (destructor_name) @name
              (operator_name) @name
              (template_function
                name: (identifier) @name)
              (qualified_identifier
                name: [
                  (identifier)
                  (destructor_name)
                  (operator_name)
                ] @name)
            ])
        ]))
    (reference_declarator
      (function_declarator
        declarator: [
          (operator_name) @name
          (qualified_identifier
            name: [
              (identifier) @name
              (destructor_name) @name
              (operator_name) @name
              (template_function
                name: (identifier) @name)
              (qualified_identifier
                name: [
                  (identifier)
                  (destructor_name)
                  (operator_name)
                ] @name)
            ])
        ]))
  ]) @definition.function

; Plain names with a return type: free functions (friends defined in a class too).
(function_definition
  type: (_)
  declarator: [
    (function_declarator
      declarator: [
        (identifier) @name
        (template_function
          name: (identifier) @name)
      ])
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (identifier) @name
          (template_function
            name: (identifier) @name)
        ]))
    (reference_declarator
      (function_declarator
        declarator: [
          (identifier) @name
          (template_function
            name: (identifier) @name)
        ]))
  ]) @definition.function

; Plain names without a return type: constructors in a class body.
(field_declaration_list
  [
    (function_definition
      !type
      declarator: (function_declarator
        declarator: [
          (identifier) @name
          (template_function
            name: (identifier) @name)
        ])) @definition.method
    (template_declaration
      (function_definition
        !type
        declarator: (function_declarator
          declarator: [
            (identifier) @name
            (template_function
              name: (identifier) @name)
          ])) @definition.method)
  ])

; Prototypes (with a return type; also inside templates): int f(int); char *g();
(declaration
  type: (_)
  declarator: [
    (function_declarator
      declarator: (identifier) @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name))
    (reference_declarator
      (function_declarator
        declarator: (identifier) @name))
  ]) @definition.function

; Member function declarations in a class body: void f(); Foo(int); ~Foo();
; bool operator==(const Foo&) const;
(field_declaration
  declarator: [
    (function_declarator
      declarator: [
        (field_identifier)
        (operator_name)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: (field_identifier) @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (field_identifier)
          (operator_name)
        ] @name))
  ]) @definition.method

(field_declaration_list
  (declaration
    !type
    declarator: (function_declarator
      declarator: [
        (identifier)
        (destructor_name)
        (operator_name)
      ] @name)) @definition.method)

; Data members: int a; int *p; int &r; int v[4]; (one match per declarator)
(field_declaration
  declarator: [
    (field_identifier) @name
    (pointer_declarator
      declarator: (field_identifier) @name)
    (reference_declarator
      (field_identifier) @name)
    (array_declarator
      declarator: (field_identifier) @name)
  ]) @definition.field

(class_specifier
  name: [
    (type_identifier) @name
    (template_type
      name: (type_identifier) @name)
    (qualified_identifier
      name: (type_identifier) @name)
  ]
  body: (field_declaration_list)) @definition.class

(struct_specifier
  name: [
    (type_identifier) @name
    (template_type
      name: (type_identifier) @name)
    (qualified_identifier
      name: (type_identifier) @name)
  ]
  body: (field_declaration_list)) @definition.struct

(union_specifier
  name: [
    (type_identifier) @name
    (template_type
      name: (type_identifier) @name)
    (qualified_identifier
      name: (type_identifier) @name)
  ]
  body: (field_declaration_list)) @definition.struct

(enum_specifier
  name: [
    (type_identifier) @name
    (qualified_identifier
      name: (type_identifier) @name)
  ]
  body: (enumerator_list)) @definition.enum

(enumerator
  name: (identifier) @name) @definition.constant

(namespace_definition
  name: [
    (namespace_identifier) @name
    (nested_namespace_specifier
      (namespace_identifier) @name .)
  ]) @definition.module

; typedef T name; typedef T *name; typedef R (*name)(args); using name = T;
(type_definition
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: (type_identifier) @name)
    (function_declarator
      declarator: (parenthesized_declarator
        (pointer_declarator
          declarator: (type_identifier) @name)))
  ]) @definition.type

(alias_declaration
  name: (type_identifier) @name) @definition.type

(concept_definition
  name: (identifier) @name) @definition.type

(preproc_def
  name: (identifier) @name) @definition.macro

(preproc_function_def
  name: (identifier) @name) @definition.macro

; File/namespace-scope variables (not prototypes): directly in the file, a
; namespace or extern "C" block (declaration_list), or an #if/#ifdef block
; (include guards). UPPER_CASE names are constants.
([
  (translation_unit
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.constant)
  (declaration_list
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.constant)
  (preproc_if
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.constant)
  (preproc_ifdef
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.constant)
]
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

([
  (translation_unit
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.variable)
  (declaration_list
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.variable)
  (preproc_if
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.variable)
  (preproc_ifdef
    (declaration
      declarator: [
        (identifier) @name
        (pointer_declarator
          declarator: (identifier) @name)
        (array_declarator
          declarator: (identifier) @name)
        (init_declarator
          declarator: [
            (identifier) @name
            (pointer_declarator
              declarator: [
                (identifier) @name
                (array_declarator
                  declarator: (identifier) @name)
              ])
            (array_declarator
              declarator: (identifier) @name)
          ])
      ]) @definition.variable)
]
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))
