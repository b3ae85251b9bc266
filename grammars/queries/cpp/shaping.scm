; inherits: c
; C++ adds classes, namespaces, templates and its own statements to the C units.

[
  (class_specifier)
  (namespace_definition)
  (template_declaration)
  (alias_declaration)
  (using_declaration)
  (static_assert_declaration)
  (friend_declaration)
  (try_statement)
  (throw_statement)
  (for_range_loop)
  (co_return_statement)
  (co_yield_statement)
  (declaration_list)
] @unit
