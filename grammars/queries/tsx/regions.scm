; inherits: typescript
; TSX uses the TypeScript regions unchanged.
