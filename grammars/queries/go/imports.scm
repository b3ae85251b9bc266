; Go imports: one @import per import declaration (a parenthesised group counts once).

(import_declaration) @import
