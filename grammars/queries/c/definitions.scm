; C definitions.

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
  ]) @definition.function

; Prototypes: int f(void); char *g(int); (function declarations inside function
; bodies are rare enough not to need a file-scope context here)
(declaration
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
  ]) @definition.function

(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.struct

(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list)) @definition.enum

(enumerator
  name: (identifier) @name) @definition.constant

; typedef T name; typedef T *name; typedef R (*name)(args);
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

(preproc_def
  name: (identifier) @name) @definition.macro

(preproc_function_def
  name: (identifier) @name) @definition.macro

; Struct/union members: int a; int *p; int v[4]; (one match per declarator)
(field_declaration_list
  (field_declaration
    declarator: [
      (field_identifier) @name
      (pointer_declarator
        declarator: (field_identifier) @name)
      (array_declarator
        declarator: (field_identifier) @name)
    ]) @definition.field)

; File-scope variables (not prototypes): directly in the file, an extern "C"
; declaration_list, or an #if/#ifdef block (include guards). UPPER_CASE names
; are constants.
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
]
  (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))
