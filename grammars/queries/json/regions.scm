; JSON: a key and its value are never cut apart (when they fit in a region whole).
[
  (pair)
  (comment)
] @region
