#include "suggest/Prompt.h"

namespace flint {

namespace {

// The chat prompt, documented in the README ("The chat prompt").
constexpr std::string_view kChatSystem =
    "You are a code completion engine inside an editor. Complete the code at the cursor marker <|cursor|>. "
    "Reply with only the exact text to insert at the marker: no explanation, no markdown fences, and do not "
    "repeat any code that comes before or after the marker. Keep the surrounding indentation. If nothing "
    "should be inserted, reply with nothing.";

// Keeps fill-in-the-middle models from running on past a blank stretch.
constexpr std::string_view kBlankStop = "\n\n\n";

std::string fileText(const CompletionContext& context) {
    std::string head;
    for (const std::string& line : context.imports) head += line + "\n";
    if (!head.empty()) head += "\n";
    return head + context.prefix;
}

void appendItems(std::string& out, std::string_view title, const std::vector<ContextItem>& items) {
    if (items.empty()) return;
    out += title;
    out += "\n";
    for (const ContextItem& item : items) {
        out += "--- " + item.path + "\n" + item.text;
        if (!item.text.empty() && item.text.back() != '\n') out += "\n";
    }
}

} // namespace

bool isFillInTheMiddle(const WireFormat& format) {
    return format.kind() == "openai-completions" || format.kind() == "llama-infill" || format.kind() == "ollama";
}

bool acceptsRawPrompt(const WireFormat& format) {
    return format.kind() == "openai-completions" || format.kind() == "ollama";
}

const PromptTemplate* choosePromptTemplate(std::string_view setting, std::string_view model,
                                           const WireFormat& format, std::string& error) {
    if (setting.empty()) return nullptr;
    const PromptTemplate* chosen = setting == "auto" ? promptTemplateForModel(model) : findPromptTemplate(setting);
    if (!chosen && setting != "auto") {
        error = "provider.template: unknown template '" + std::string(setting) + "' (expected \"auto\" or one of:";
        for (const PromptTemplate& t : promptTemplates()) error += " " + t.name;
        error += ")";
        return nullptr;
    }
    return acceptsRawPrompt(format) ? chosen : nullptr;
}

ModelRequest buildCompletionRequest(const CompletionContext& context, const WireFormat& format, int maxTokens,
                                    const PromptOptions& options) {
    ModelRequest request;
    request.maxTokens = maxTokens;
    request.temperature = 0.0;
    if (options.fimTemplate && acceptsRawPrompt(format)) {
        request.prefix = renderPromptTemplate(*options.fimTemplate, context);
        request.raw = true;
        request.stop = options.fimTemplate->stop;
        request.stop.emplace_back(kBlankStop);
        return request;
    }
    if (format.kind() == "llama-infill") {
        // The server lays the files out in the model's own repository format.
        for (const ContextItem& item : context.snippets) request.extra.push_back({item.path, item.text});
        for (const ContextItem& item : context.definitions) request.extra.push_back({item.path, item.text});
        request.prefix = fileText(context);
        request.suffix = context.suffix;
        request.stop = {std::string(kBlankStop)};
        return request;
    }
    if (isFillInTheMiddle(format)) {
        request.prefix = commentedContext(context) + fileText(context);
        request.suffix = context.suffix;
        request.stop = {std::string(kBlankStop)};
        return request;
    }
    request.system = std::string(kChatSystem);
    // The path relative to the workspace folder: where the user keeps the project
    // (their home directory, their name) is none of the model's business.
    std::string user = "File: " + (context.relativePath.empty() ? context.path : context.relativePath) + " (" +
                       context.language + ")\n";
    appendItems(user, "Definitions used near the cursor:", context.definitions);
    appendItems(user, "Similar code in other files:", context.snippets);
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
