#pragma once
// The prompt templates compiled into Flint, generated at configure time from
// prompts/templates/*.fim in the order prompts/CMakeLists.txt lists them. Parsed by
// suggest/PromptTemplate.
//
//   for (const PromptTemplateSource& t : promptTemplateSources()) names.push_back(t.name);

#include <span>
#include <string_view>

namespace flint {

struct PromptTemplateSource {
    std::string_view name;
    std::string_view text;
};

std::span<const PromptTemplateSource> promptTemplateSources();

} // namespace flint
