; C scopes.

; Function definitions; the name sits inside the (possibly pointer-wrapped)
; function_declarator: f(), *f(), **f(), and (*f(args))(...) returning a function pointer.
(function_definition
  declarator: [
    (function_declarator
      declarator: (identifier) @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name))
    (pointer_declarator
      declarator: (pointer_declarator
        declarator: (function_declarator
          declarator: (identifier) @name)))
    (function_declarator
      declarator: (parenthesized_declarator
        (pointer_declarator
          declarator: (function_declarator
            declarator: (identifier) @name))))
  ]) @scope.function

(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @scope.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @scope.struct

(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list)) @scope.enum

; typedef struct { ... } name_t;  (anonymous bodies are named by the typedef)
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
