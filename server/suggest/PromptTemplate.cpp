#include "suggest/PromptTemplate.h"

#include "suggest/PromptTemplateTable.h"
#include "workspace/IgnoreRules.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace flint {

namespace {

constexpr std::string_view kFilesOpen = "{{#files}}";
constexpr std::string_view kFilesClose = "{{/files}}";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string_view withoutTrailingNewlines(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The prefix as the file has it: the imports the window cut off, then the window.
std::string filePrefix(const CompletionContext& context) {
    std::string head;
    for (const std::string& line : context.imports) head += line + "\n";
    if (!head.empty()) head += "\n";
    return head + context.prefix;
}

// Replaces {{name}} placeholders in `text` from `lookup`; unknown names stay as they are.
template <class Lookup>
void substitute(std::string_view text, std::string& out, Lookup&& lookup) {
    for (size_t i = 0; i < text.size();) {
        const size_t open = text.find("{{", i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        const size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            out.append(text.substr(open));
            break;
        }
        const std::string_view name = text.substr(open + 2, close - open - 2);
        if (const std::string* value = lookup(name)) out += *value;
        else out.append(text.substr(open, close + 2 - open));
        i = close + 2;
    }
}

} // namespace

std::optional<PromptTemplate> parsePromptTemplate(std::string_view name, std::string_view text, std::string& error) {
    PromptTemplate t;
    t.name = std::string(name);
    bool body = false;
    while (!text.empty() && !body) {
        const size_t eol = text.find('\n');
        const std::string_view line = trim(text.substr(0, eol));
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        if (line == "---") {
            body = true;
        } else if (line.starts_with(";;")) {
            const std::string_view rest = trim(line.substr(2));
            if (rest.starts_with("match:")) t.match.push_back(lower(trim(rest.substr(6))));
            else if (rest.starts_with("stop:")) t.stop.emplace_back(trim(rest.substr(5)));
        } else if (!line.empty()) {
            error = "template " + t.name + ": expected ';;' header lines, then '---', then the body";
            return std::nullopt;
        }
    }
    if (!body) {
        error = "template " + t.name + ": no '---' line before the body";
        return std::nullopt;
    }
    // The file's last newline ends the file, not the prompt.
    if (text.ends_with("\n")) text.remove_suffix(1);
    t.body = std::string(text);
    const size_t open = t.body.find(kFilesOpen);
    t.multiFile = open != std::string::npos;
    if (t.multiFile && t.body.find(kFilesClose, open) == std::string::npos) {
        error = "template " + t.name + ": {{#files}} without {{/files}}";
        return std::nullopt;
    }
    if (t.body.find("{{prefix}}") == std::string::npos || t.body.find("{{suffix}}") == std::string::npos) {
        error = "template " + t.name + ": the body needs {{prefix}} and {{suffix}}";
        return std::nullopt;
    }
    return t;
}

std::span<const PromptTemplate> promptTemplates() {
    static const std::vector<PromptTemplate> templates = [] {
        std::vector<PromptTemplate> out;
        for (const PromptTemplateSource& source : promptTemplateSources()) {
            std::string error;
            if (auto t = parsePromptTemplate(source.name, source.text, error)) out.push_back(std::move(*t));
            else spdlog::error("{}", error);  // a test covers every shipped template
        }
        return out;
    }();
    return templates;
}

const PromptTemplate* findPromptTemplate(std::string_view name) {
    for (const PromptTemplate& t : promptTemplates())
        if (t.name == name) return &t;
    return nullptr;
}

const PromptTemplate* promptTemplateForModel(std::string_view model) {
    // "Qwen/Qwen2.5-Coder-7B": the organisation is not part of the model's name.
    if (const size_t slash = model.rfind('/'); slash != std::string_view::npos) model.remove_prefix(slash + 1);
    const std::string name = lower(model);
    for (const PromptTemplate& t : promptTemplates())
        for (const std::string& glob : t.match)
            if (globMatch(glob, name)) return &t;
    return nullptr;
}

std::string commentedContext(const CompletionContext& context) {
    if (context.lineComment.empty()) return {};
    std::string out;
    auto quote = [&](const ContextItem& item) {
        out += context.lineComment + " Path: " + item.path + "\n";
        std::string_view text = withoutTrailingNewlines(item.text);
        while (!text.empty()) {
            const size_t eol = text.find('\n');
            const std::string_view line = text.substr(0, eol);
            out += context.lineComment;
            if (!line.empty()) out += " ";
            out.append(line);
            out += "\n";
            text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        }
        out += "\n";
    };
    // Least important first: what is nearest the cursor weighs most.
    for (const ContextItem& item : context.snippets) quote(item);
    for (const ContextItem& item : context.definitions) quote(item);
    return out;
}

std::string renderPromptTemplate(const PromptTemplate& t, const CompletionContext& context) {
    const std::string prefix = (t.multiFile ? std::string() : commentedContext(context)) + filePrefix(context);
    const std::string repository = context.repository.empty() ? std::string("workspace") : context.repository;
    auto top = [&](std::string_view name) -> const std::string* {
        if (name == "prefix") return &prefix;
        if (name == "suffix") return &context.suffix;
        if (name == "path") return &context.relativePath;
        if (name == "repository") return &repository;
        if (name == "language") return &context.language;
        return nullptr;
    };
    std::string out;
    std::string_view body = t.body;
    const size_t open = body.find(kFilesOpen);
    if (open == std::string_view::npos) {
        substitute(body, out, top);
        return out;
    }
    const size_t close = body.find(kFilesClose, open);
    substitute(body.substr(0, open), out, top);
    const std::string_view each = body.substr(open + kFilesOpen.size(), close - open - kFilesOpen.size());
    std::vector<const ContextItem*> files;
    for (const ContextItem& item : context.snippets) files.push_back(&item);
    for (const ContextItem& item : context.definitions) files.push_back(&item);
    for (const ContextItem* item : files) {
        const std::string text(withoutTrailingNewlines(item->text));
        substitute(each, out, [&](std::string_view name) -> const std::string* {
            if (name == "file.path") return &item->path;
            if (name == "file.text") return &text;
            return top(name);
        });
    }
    substitute(body.substr(close + kFilesClose.size()), out, top);
    return out;
}

} // namespace flint
