; JSON scopes: a key whose value is an object or array; the name is the key's text.

(pair
  key: (string
    .
    (string_content) @name
    .)
  value: [
    (object)
    (array)
  ]) @scope.object

; Keys with escape sequences: the name is the whole quoted key.
(pair
  key: (string
    (escape_sequence)) @name
  value: [
    (object)
    (array)
  ]) @scope.object
