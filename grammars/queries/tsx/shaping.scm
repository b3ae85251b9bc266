; inherits: typescript
; TSX uses the TypeScript shaping units unchanged.
