#pragma once
// The prompt files built into Flint (prompts/<feature>/<name>.prompt), generated at
// configure time by prompts/CMakeLists.txt. Prompts are data, like grammar queries.
//
//   for (const PromptFile& f : promptFiles())
//       if (f.name == "nextedit/chat") parse(f.text);

#include <span>
#include <string_view>

namespace flint {

struct PromptFile {
    std::string_view name;  // "nextedit/chat": the path under prompts/ without ".prompt"
    std::string_view text;
};

std::span<const PromptFile> promptFiles();

} // namespace flint
