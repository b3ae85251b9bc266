#pragma once
// Turns a completion context into what a wire format sends. Formats with native
// fill-in-the-middle (openai-completions with `suffix`, llama.cpp /infill, Ollama
// with `suffix`) get the prefix and suffix as they are, with imports and enclosing
// signatures the window cut off put in front of the prefix as comments-free text
// the model sees as file content. Chat formats (openai-chat, openai-responses) get
// the documented chat prompt below.
//
//   ModelRequest request = buildCompletionRequest(context, *format, maxTokens);

#include "context/CompletionContext.h"
#include "model/WireFormat.h"

namespace flint {

// The marker the chat prompt puts where the completion goes.
inline constexpr std::string_view kCursorMarker = "<|cursor|>";

ModelRequest buildCompletionRequest(const CompletionContext& context, const WireFormat& format, int maxTokens);

// True for wire formats that carry a suffix natively (fill-in-the-middle).
bool isFillInTheMiddle(const WireFormat& format);

} // namespace flint
