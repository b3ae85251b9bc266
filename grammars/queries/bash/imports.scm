; Bash imports: `source file` and `. file` commands (anywhere in the file).

((command
  name: (command_name
    (word) @_command)) @import
  (#any-of? @_command "source" "."))
