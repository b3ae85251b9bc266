; inherits: c
; C++ declarations and statements on top of the C ones.
[
  (class_specifier)
  (namespace_definition)
  (template_declaration)
  (alias_declaration)
  (using_declaration)
  (static_assert_declaration)
  (concept_definition)
  (friend_declaration)
  (access_specifier)
  (try_statement)
  (catch_clause)
  (throw_statement)
  (co_return_statement)
  (co_yield_statement)
] @region
