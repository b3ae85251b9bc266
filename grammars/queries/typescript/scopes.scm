; inherits: javascript
; TypeScript scopes on top of the JavaScript ones.

(abstract_class_declaration
  name: (type_identifier) @name) @scope.class

(interface_declaration
  name: (type_identifier) @name) @scope.interface

(enum_declaration
  name: (identifier) @name) @scope.enum

(type_alias_declaration
  name: (type_identifier) @name) @scope.type

; namespace A.B { ... }
(internal_module
  name: [
    (identifier)
    (nested_identifier)
  ] @name) @scope.namespace

; module Foo { ... } / declare module "foo" { ... }
(module
  name: [
    (identifier) @name
    (nested_identifier) @name
    (string
      (string_fragment) @name)
  ]) @scope.module
