#pragma once
// Turns a completion context into what a wire format sends. Four shapes:
//   - native fill-in-the-middle (openai-completions with `suffix`, Ollama with
//     `suffix`): the prefix is the file's text before the cursor (imports the window
//     cut off lead it), with the context from other files quoted in line comments
//     ahead of it; the suffix as it is;
//   - llama.cpp /infill: prefix and suffix, with the definitions and snippets as
//     `input_extra` files (the server lays them out in the model's own format);
//   - a template (prompts/templates, chosen by `provider.template` or the model
//     name) on a plain completion endpoint: one raw prompt, no server-side template;
//   - chat (openai-chat, openai-responses): the documented chat prompt below.
//
//   const PromptTemplate* t = choosePromptTemplate(setting, config.model, format, error);
//   ModelRequest request = buildCompletionRequest(context, *format, maxTokens, {.fimTemplate = t});

#include "context/CompletionContext.h"
#include "model/WireFormat.h"
#include "suggest/PromptTemplate.h"

namespace flint {

// The marker the chat prompt puts where the completion goes.
inline constexpr std::string_view kCursorMarker = "<|cursor|>";

struct PromptOptions {
    // A template to render into a raw prompt; ignored by formats that cannot send
    // one (chat, llama.cpp /infill). Null: the format's native form.
    const PromptTemplate* fimTemplate = nullptr;
};

ModelRequest buildCompletionRequest(const CompletionContext& context, const WireFormat& format, int maxTokens,
                                    const PromptOptions& options = {});

// True for wire formats that carry a suffix natively (fill-in-the-middle).
bool isFillInTheMiddle(const WireFormat& format);
// True for formats a template's raw prompt can be sent with (plain completion endpoints).
bool acceptsRawPrompt(const WireFormat& format);

// The template `setting` asks for with this format and model: "" → none (native
// fill-in-the-middle); "auto" → by the model name (none if no template matches);
// a name → that template. Null also for formats that cannot send a raw prompt. An
// unknown name sets `error` and returns null.
const PromptTemplate* choosePromptTemplate(std::string_view setting, std::string_view model,
                                           const WireFormat& format, std::string& error);

} // namespace flint
