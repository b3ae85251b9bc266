#pragma once
// How much of what goes into a completion prompt, in approximate tokens. Sections
// are filled in priority order, each up to its share, from what the higher ones
// left:
//   1. the prefix near the cursor (the cursor line, then the lines above it)
//   2. the suffix (the rest of the cursor line, then the lines below)
//   3. the enclosing scopes' signatures
//   4. the file's imports (those above the prefix window)
//   5. definitions of identifiers near the cursor, from other files
//   6. similar snippets from other open documents
//   7. the far prefix: whatever is left extends the prefix further up
// So when the budget shrinks, the far prefix goes first, then snippets, then
// definitions, and the text right at the cursor goes last.
//
//   TokenBudget budget = TokenBudget::forTotal(settings.promptTokens());
//   size_t used = approxTokens(text);

#include <cstddef>
#include <string_view>

namespace flint {

// Code tokenizes at about 3.5 bytes per token with the BPE tokenizers code models
// use; rounding up keeps a prompt inside a context window.
constexpr size_t approxTokens(std::string_view text) { return (text.size() * 2 + 6) / 7; }
constexpr size_t approxTokens(size_t bytes) { return (bytes * 2 + 6) / 7; }
constexpr size_t bytesForTokens(size_t tokens) { return tokens * 7 / 2; }

struct TokenBudget {
    size_t total = 2048;
    // Each section's share (the far prefix takes what is left).
    size_t nearPrefix = 512;
    size_t suffix = 384;
    size_t signatures = 64;
    size_t imports = 128;
    size_t definitions = 320;
    size_t snippets = 320;

    // The default shares, scaled for a total other than 2,048.
    static constexpr TokenBudget forTotal(size_t total) {
        TokenBudget b;
        auto scale = [&](size_t share) { return share * total / 2048; };
        b = TokenBudget{total,          scale(b.nearPrefix),  scale(b.suffix),  scale(b.signatures),
                        scale(b.imports), scale(b.definitions), scale(b.snippets)};
        return b;
    }
};

} // namespace flint
