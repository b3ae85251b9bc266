; JSON has no definitions.
