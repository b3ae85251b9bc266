; inherits: javascript
; TypeScript adds `import A = B.C;` (import x = require("x") is an import_statement).

(import_alias) @import
