; inherits: javascript
; TypeScript adds its declarations and their bodies to the JavaScript units.

[
  (interface_declaration)
  (type_alias_declaration)
  (enum_declaration)
  (abstract_class_declaration)
  (ambient_declaration)
  (public_field_definition)
  (interface_body)
  (enum_body)
] @unit
