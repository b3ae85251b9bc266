; JSON shaping. A suggestion stops where the innermost @unit that began before the
; cursor ends: a member being finished, or the object or array being filled. An
; opening bracket at the end of the line makes it multi-line (no query needed).

[
  (pair)
  (object)
  (array)
] @unit

(comment) @singleline
