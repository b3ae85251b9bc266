; C imports.

(preproc_include) @import
