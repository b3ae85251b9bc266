#pragma once
// Model-backed code actions: what Flint offers at a selection (instantly, with no
// model call), the region each action has the model rewrite, the request for it,
// and the check of what comes back. Pure functions of a Document; the model is
// called by actions/ActionRun, the protocol lives in lsp/CodeActions.cpp.
//
//   auto offers = offerActions(doc, selection, diagnostics);       // listing: no I/O
//   ActionRegion region = regionFor(doc, offers[0]);
//   ModelRequest request = buildActionRequest(doc, offers[0], region, {});
//   ... the model's reply ...
//   RewriteCheck check = checkRewrite(doc, region, reply);          // edits, or why not
//
// Prompts are data (server/actions/prompts/*.txt, compiled in) and pinned by golden
// files in tests/golden/actions/.

#include "context/Redaction.h"
#include "model/WireFormat.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

class Document;

enum class ActionKind { Rewrite, Document, Fix, Complete, Instruct };

std::string_view toString(ActionKind kind);  // "rewrite", "document", "fix", "complete", "instruct"
std::optional<ActionKind> parseActionKind(std::string_view name);

// A diagnostic from the client's request context, in byte offsets.
struct ActionDiagnostic {
    uint32_t startByte = 0;
    uint32_t endByte = 0;
    std::string message;
    std::string source;  // "pyright", "clangd", ... (may be empty)
};

// One action offered at a selection.
struct OfferedAction {
    ActionKind kind = ActionKind::Rewrite;
    std::string title;       // "Flint: Rewrite the selection", ...
    std::string lspKind;     // "refactor.rewrite" or "quickfix"
    uint32_t startByte = 0;  // the selection (or the diagnostic) it was offered for
    uint32_t endByte = 0;
    std::optional<ActionDiagnostic> diagnostic;  // Fix
    std::string scopeName;   // Document / Complete: the function or class
};

// What to offer for a selection [startByte, endByte) and the diagnostics the client
// sent. Rewrite needs a non-empty selection; Document and Complete need an enclosing
// function (Document also a class); Fix comes once per diagnostic touching the
// selection (at most three); Instruct is always offered.
std::vector<OfferedAction> offerActions(Document& document, uint32_t startByte, uint32_t endByte,
                                        const std::vector<ActionDiagnostic>& diagnostics);

// The whole lines the model rewrites: the selection's lines (Rewrite, Instruct with a
// selection), the enclosing function or class (Document, Complete, Instruct at a
// bare cursor inside one), or for Fix the smallest enclosing scope when it is short,
// else a few lines around the diagnostic. Never more than kMaxRegionLines.
struct ActionRegion {
    uint32_t startByte = 0;  // at a line start
    uint32_t endByte = 0;    // after the last line's terminator (or at the end of the text)
};
inline constexpr uint32_t kMaxRegionLines = 200;
ActionRegion regionFor(Document& document, const OfferedAction& action);

// The chat request: the system prompt, and the user prompt with the region marked
// inside the code around it. `instruction` is the user's words for Instruct.
// Secrets in the code are redacted (context/Redaction.h); those in the region are
// recorded in `secrets`, for restoreSecrets() to put back into the rewrite.
ModelRequest buildActionRequest(const Document& document, const OfferedAction& action, const ActionRegion& region,
                                std::string_view instruction, int maxTokens = 2048,
                                RedactedSecrets* secrets = nullptr);

// One replacement, in byte offsets of the document as it was when checked.
struct ActionEdit {
    uint32_t startByte = 0;
    uint32_t endByte = 0;
    std::string text;
};

// The model's rewrite of the region, made into minimal edits, or refused with a
// reason a user can read: empty, unchanged, or adding syntax errors the region did
// not have (the document is re-parsed with the rewrite applied).
struct RewriteCheck {
    std::vector<ActionEdit> edits;  // empty when refused
    std::string refusal;            // "" when the rewrite is usable
    std::string_view reason;        // the refusal's kind, for statistics: "empty", "unchanged", "syntax-error"
};
RewriteCheck checkRewrite(const Document& document, const ActionRegion& region, std::string_view reply);

// The reply as the region's new text: a markdown fence around it stripped, region
// markers the model echoed dropped, the region's final line break kept.
std::string cleanRewrite(std::string_view reply, std::string_view original);

} // namespace flint
