; JavaScript imports (inherited by TypeScript and TSX).

(import_statement) @import

; Re-exports pull in a module too: export { a } from "./a"; export * from "./b";
(export_statement
  source: (string)) @import

; Top-level CommonJS: const x = require("x"); var y = require("y").z; require("z");
(program
  [
    (lexical_declaration
      (variable_declarator
        value: [
          (call_expression
            function: (identifier) @_require)
          (member_expression
            object: (call_expression
              function: (identifier) @_require))
        ]))
    (variable_declaration
      (variable_declarator
        value: [
          (call_expression
            function: (identifier) @_require)
          (member_expression
            object: (call_expression
              function: (identifier) @_require))
        ]))
    (expression_statement
      (call_expression
        function: (identifier) @_require))
  ] @import
  (#eq? @_require "require"))
