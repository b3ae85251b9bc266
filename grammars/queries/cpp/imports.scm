; C++ imports.

(preproc_include) @import

; using namespace std;
(using_declaration
  "namespace") @import
