#pragma once
// The `context` part of Flint's configuration (`flint.context`), plus the one prompt
// setting that lives with the provider (`flint.provider.template`):
//
//   { "context": { "maxPromptTokens": 2048, "contextWindow": 32768,
//                  "definitions": true, "snippets": true,
//                  "workspaceIndex": true, "maxWorkspaceFiles": 5000, "maxFileBytes": 524288,
//                  "exclude": ["generated/", "*.min.js"] },
//     "provider": { "template": "qwen2.5-coder" } }
//
// The prompt budget, in approximate tokens: `maxPromptTokens` when set; otherwise
// 2,048 (what keeps a fast model's time to first token low), scaled to a sixteenth
// of `contextWindow` when that is known (1,024 to 8,192).

#include <boost/json/fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace flint {

struct ContextSettings {
    size_t maxPromptTokens = 0;  // 0: derived from contextWindow
    size_t contextWindow = 0;    // the model's context window in tokens; 0: unknown
    bool definitions = true;     // definitions of identifiers near the cursor
    bool snippets = true;        // similar code from other open documents
    bool workspaceIndex = true;  // index the workspace folders' files
    size_t maxWorkspaceFiles = 5000;
    size_t maxFileBytes = 512 * 1024;
    std::vector<std::string> exclude;  // gitignore-syntax patterns, as a .flintignore at each root
    std::string fimTemplate;           // provider.template: "", "auto" or a template name

    static constexpr size_t kDefaultPromptTokens = 2048;
    // The prompt budget in approximate tokens (see above).
    size_t promptTokens() const;
    // The settings the workspace scan depends on (a change means a rescan).
    bool sameScan(const ContextSettings& other) const {
        return workspaceIndex == other.workspaceIndex && maxWorkspaceFiles == other.maxWorkspaceFiles &&
               maxFileBytes == other.maxFileBytes && exclude == other.exclude;
    }
};

// Reads settings["context"] and settings["provider"]["template"]. On a malformed
// field returns nothing and sets `error` ("context.maxPromptTokens: ...").
std::optional<ContextSettings> parseContextSettings(const boost::json::value& settings, std::string& error);

} // namespace flint
