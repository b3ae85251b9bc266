; inherits: javascript
; TypeScript declarations on top of the JavaScript statements.
[
  (interface_declaration)
  (type_alias_declaration)
  (enum_declaration)
  (abstract_class_declaration)
  (ambient_declaration)
  (public_field_definition)
  (property_signature)
  (method_signature)
  (internal_module)
] @region
