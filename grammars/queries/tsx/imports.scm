; inherits: typescript
; TSX uses the TypeScript imports unchanged.
