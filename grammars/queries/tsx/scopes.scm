; inherits: typescript
; TSX uses the TypeScript scopes unchanged.
