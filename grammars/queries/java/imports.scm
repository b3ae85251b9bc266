; Java imports (including static and on-demand imports).

(import_declaration) @import
