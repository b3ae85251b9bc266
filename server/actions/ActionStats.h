#pragma once
// Local statistics of model-backed code actions, beside the figures every feature
// keeps (stats/FeatureStats.h: `requests` are actions run, `requestsCancelled` runs
// cancelled by the editor or the user, `errors` the model's failures by kind).
// Memory only; `flint/stats` and the exports report them.
//
//   const ActionStats& s = ...;
//   s.offered;                        // actions listed to the editor (no model involved)
//   s.applied + s.resolved;           // edits that reached the editor
//   s.refused.at("syntax-error");     // rewrites refused because they broke the syntax
//
// The editor applies a resolved edit itself and does not say so: for clients that
// resolve edits, `resolved` is the last step Flint sees; `applied` and `applyFailed`
// count what flint.runCodeAction sent with workspace/applyEdit.

#include "stats/FeatureStats.h"

#include <cstdint>
#include <map>
#include <string>

namespace flint {

struct ActionStats : FeatureStats {
    uint64_t listed = 0;       // textDocument/codeAction requests answered
    uint64_t offered = 0;      // actions offered in them
    uint64_t resolved = 0;     // edits returned by codeAction/resolve
    uint64_t applied = 0;      // edits the editor applied (workspace/applyEdit)
    uint64_t applyFailed = 0;  // edits the editor refused or could not apply
    // Rewrites the model wrote but Flint did not offer, by why: "syntax-error",
    // "empty", "unchanged", "secret-mismatch", "content-modified" (the document
    // changed while the model wrote).
    std::map<std::string, uint64_t> refused;
    // Runs that never asked the model, by why: "content-modified" (changed since
    // listed), "no-model", "excluded", "no-instruction", "not-open".
    std::map<std::string, uint64_t> skipped;
};

} // namespace flint
