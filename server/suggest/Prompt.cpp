#include "suggest/Prompt.h"

namespace flint {

namespace {

// The chat prompt, documented in the README ("Prompts").
constexpr std::string_view kChatSystem =
    "You are a code completion engine inside an editor. Complete the code at the cursor marker <|cursor|>. "
    "Reply with only the exact text to insert at the marker: no explanation, no markdown fences, and do not "
    "repeat any code that comes before or after the marker. Keep the surrounding indentation. If nothing "
    "should be inserted, reply with nothing.";

} // namespace

bool isFillInTheMiddle(const WireFormat& format) {
    return format.kind() == "openai-completions" || format.kind() == "llama-infill" || format.kind() == "ollama";
}

ModelRequest buildCompletionRequest(const CompletionContext& context, const WireFormat& format, int maxTokens) {
    ModelRequest request;
    request.maxTokens = maxTokens;
    request.temperature = 0.0;
    if (isFillInTheMiddle(format)) {
        // Imports the window cut off still matter: they lead the prefix, as in the file.
        std::string head;
        for (const std::string& line : context.imports) head += line + "\n";
        if (!head.empty()) head += "\n";
        request.prefix = head + context.prefix;
        request.suffix = context.suffix;
        // Stop at a blank line after the completion: keeps FIM models from running on.
        request.stop = {"\n\n\n"};
        return request;
    }
    request.system = std::string(kChatSystem);
    std::string user = "File: " + context.path + " (" + context.language + ")\n";
    if (!context.imports.empty()) {
        user += "Imports:\n";
        for (const std::string& line : context.imports) user += line + "\n";
    }
    if (!context.scopeSignatures.empty()) {
        user += "The cursor is inside:\n";
        for (const std::string& signature : context.scopeSignatures) user += "  " + signature + "\n";
    }
    user += "\n" + context.prefix + std::string(kCursorMarker) + context.suffix;
    request.user = std::move(user);
    return request;
}

} // namespace flint
