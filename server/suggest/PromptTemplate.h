#pragma once
// Fill-in-the-middle prompt templates for model families on plain completion
// endpoints, kept as data in prompts/templates/<name>.fim and compiled in. A file
// is a header of `;;` lines (`;; match: <model-name glob>`, `;; stop: <sequence>`,
// anything else is a comment), a `---` line, then the body:
//
//   {{prefix}} {{suffix}}   the text before / after the cursor (imports lead the prefix)
//   {{path}}                the file's path relative to its workspace folder
//   {{repository}}          the workspace folder's name
//   {{language}}            the grammar name
//   {{#files}} … {{/files}}  repeated for each file of context (definitions, then
//                           snippets), with {{file.path}} and {{file.text}}
//
// A template without a {{#files}} section gets the context quoted in line comments
// ahead of the prefix (as native fill-in-the-middle endpoints do).
//
//   const PromptTemplate* t = promptTemplateForModel("qwen2.5-coder:7b-base");
//   std::string prompt = renderPromptTemplate(*t, context);

#include "context/CompletionContext.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct PromptTemplate {
    std::string name;
    std::vector<std::string> match;  // lower-case globs over the model name
    std::vector<std::string> stop;
    std::string body;
    bool multiFile = false;  // has a {{#files}} section
};

std::span<const PromptTemplate> promptTemplates();
const PromptTemplate* findPromptTemplate(std::string_view name);
// The first template (in prompts/CMakeLists.txt order) whose globs match the model
// name (in lower case, without an "organisation/" part); null when none does.
const PromptTemplate* promptTemplateForModel(std::string_view model);

// Parses a template file's text; on error returns nothing and sets `error`.
std::optional<PromptTemplate> parsePromptTemplate(std::string_view name, std::string_view text, std::string& error);
std::string renderPromptTemplate(const PromptTemplate& t, const CompletionContext& context);

// The context items (definitions, then snippets) quoted in line comments, each file
// headed by its path, as they go ahead of the prefix; empty for a language without
// line comments.
std::string commentedContext(const CompletionContext& context);

} // namespace flint
