; Bash scopes: `name() { ... }` and `function name { ... }`.

(function_definition
  name: (word) @name) @scope.function
