#include "actions/CodeActions.h"

#include "suggest/Diff.h"

#include "workspace/Document.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <map>

namespace flint {

// The prompt files, compiled in (generated from server/actions/prompts/*.txt).
std::string_view actionPrompt(std::string_view fileName);

namespace {

constexpr uint32_t kContextLines = 40;     // lines of code shown above and below the region
constexpr uint32_t kFixScopeLines = 60;    // a Fix rewrites the enclosing scope up to this size
constexpr uint32_t kFixAroundLines = 5;    // else this many lines around the diagnostic
constexpr size_t kMaxFixOffers = 3;

bool isFunction(const Scope& s) { return s.kind == "function" || s.kind == "method"; }
bool isClass(const Scope& s) { return s.kind == "class" || s.kind == "struct" || s.kind == "interface"; }

std::vector<Scope> scopesAt(Document& document, uint32_t byte) {
    const SyntaxTree* tree = document.parsedSyntax();
    if (!tree) return {};
    return tree->scopesAt(byte, document.text().str());
}

// The innermost enclosing scope that satisfies `want`, if any.
template <typename Predicate>
std::optional<Scope> innermost(const std::vector<Scope>& scopes, Predicate want) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
        if (want(*it)) return *it;
    return std::nullopt;
}

// [start, end) widened to whole lines (end after the last line's terminator).
ActionRegion wholeLines(const Text& text, uint32_t startByte, uint32_t endByte) {
    const uint32_t first = text.lineOf(startByte);
    // A selection ending at column 0 does not take in that line.
    uint32_t last = text.lineOf(endByte);
    if (endByte > startByte && last > first && text.lineStart(last) == endByte) --last;
    ActionRegion region;
    region.startByte = text.lineStart(first);
    region.endByte = last + 1 < text.lineCount() ? text.lineStart(last + 1) : static_cast<uint32_t>(text.size());
    return region;
}

uint32_t lineSpan(const Text& text, const ActionRegion& region) {
    return text.lineOf(region.endByte > region.startByte ? region.endByte - 1 : region.startByte) -
           text.lineOf(region.startByte) + 1;
}

// The region capped to kMaxRegionLines, keeping its start.
ActionRegion capped(const Text& text, ActionRegion region) {
    const uint32_t first = text.lineOf(region.startByte);
    if (lineSpan(text, region) <= kMaxRegionLines) return region;
    const uint32_t end = first + kMaxRegionLines;
    region.endByte = end < text.lineCount() ? text.lineStart(end) : static_cast<uint32_t>(text.size());
    return region;
}

std::string substitute(std::string_view templ, const std::map<std::string, std::string>& values) {
    std::string out;
    for (size_t i = 0; i < templ.size();) {
        if (templ[i] == '{') {
            const size_t close = templ.find('}', i);
            if (close != std::string_view::npos) {
                auto it = values.find(std::string(templ.substr(i + 1, close - i - 1)));
                if (it != values.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += templ[i++];
    }
    return out;
}

// Syntax error spans (ERROR and MISSING nodes) in a tree, descending only where
// tree-sitter says there are errors.
void collectErrors(TSNode node, std::vector<std::pair<uint32_t, uint32_t>>& out) {
    if (out.size() >= 64) return;
    if (ts_node_is_error(node) || ts_node_is_missing(node)) {
        out.emplace_back(ts_node_start_byte(node), ts_node_end_byte(node));
        return;
    }
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
        TSNode child = ts_node_child(node, i);
        if (ts_node_has_error(child)) collectErrors(child, out);
    }
}

size_t errorsWithin(TSNode root, uint32_t startByte, uint32_t endByte) {
    std::vector<std::pair<uint32_t, uint32_t>> errors;
    if (ts_node_has_error(root)) collectErrors(root, errors);
    return static_cast<size_t>(std::count_if(errors.begin(), errors.end(), [&](const auto& e) {
        return e.second >= startByte && e.first <= endByte;
    }));
}

// Minimal edits turning `before` into `after` (both the region's text), as byte
// ranges of the document: next-edit's diff (suggest/Diff), shifted to the region.
std::vector<ActionEdit> minimalEdits(std::string_view before, std::string_view after, uint32_t base) {
    std::vector<ActionEdit> edits;
    for (TextEdit& e : diffText(before, after))
        edits.push_back({base + static_cast<uint32_t>(e.start), base + static_cast<uint32_t>(e.end), std::move(e.text)});
    return edits;
}

} // namespace

std::string_view toString(ActionKind kind) {
    switch (kind) {
    case ActionKind::Rewrite: return "rewrite";
    case ActionKind::Document: return "document";
    case ActionKind::Fix: return "fix";
    case ActionKind::Complete: return "complete";
    case ActionKind::Instruct: return "instruct";
    }
    return "rewrite";
}

std::optional<ActionKind> parseActionKind(std::string_view name) {
    for (ActionKind kind : {ActionKind::Rewrite, ActionKind::Document, ActionKind::Fix, ActionKind::Complete,
                            ActionKind::Instruct})
        if (toString(kind) == name) return kind;
    return std::nullopt;
}

std::vector<OfferedAction> offerActions(Document& document, uint32_t startByte, uint32_t endByte,
                                        const std::vector<ActionDiagnostic>& diagnostics) {
    std::vector<OfferedAction> offers;
    auto offer = [&](ActionKind kind, std::string title, std::string lspKind) -> OfferedAction& {
        OfferedAction& action = offers.emplace_back();
        action.kind = kind;
        action.title = std::move(title);
        action.lspKind = std::move(lspKind);
        action.startByte = startByte;
        action.endByte = endByte;
        return action;
    };
    for (const ActionDiagnostic& d : diagnostics) {
        if (offers.size() >= kMaxFixOffers) break;
        if (d.endByte < startByte || d.startByte > endByte) continue;
        std::string message = d.message.substr(0, d.message.find('\n'));
        if (message.size() > 80) message = message.substr(0, 77) + "...";
        OfferedAction& fix = offer(ActionKind::Fix, "Flint: Fix \"" + message + "\"", "quickfix");
        fix.diagnostic = d;
        fix.startByte = d.startByte;
        fix.endByte = d.endByte;
    }
    if (endByte > startByte) offer(ActionKind::Rewrite, "Flint: Rewrite the selection, simpler", "refactor.rewrite");
    const std::vector<Scope> scopes = scopesAt(document, startByte);
    if (auto function = innermost(scopes, isFunction)) {
        const std::string name = function->name.empty() ? "this function" : function->name + "()";
        offer(ActionKind::Complete, "Flint: Complete the body of " + name, "refactor.rewrite").scopeName = name;
        offer(ActionKind::Document, "Flint: Document " + name, "refactor.rewrite").scopeName = name;
    } else if (auto type = innermost(scopes, isClass)) {
        const std::string name = type->name.empty() ? "this " + type->kind : type->name;
        offer(ActionKind::Document, "Flint: Document " + name, "refactor.rewrite").scopeName = name;
    }
    offer(ActionKind::Instruct, "Flint: Edit with an instruction...", "refactor.rewrite");
    return offers;
}

ActionRegion regionFor(Document& document, const OfferedAction& action) {
    const Text& text = document.text();
    const std::vector<Scope> scopes = scopesAt(document, action.startByte);
    auto scopeRegion = [&](auto want) -> std::optional<ActionRegion> {
        if (auto s = innermost(scopes, want)) return wholeLines(text, s->startByte, s->endByte);
        return std::nullopt;
    };
    auto anyScope = [](const Scope&) { return true; };
    std::optional<ActionRegion> region;
    switch (action.kind) {
    case ActionKind::Rewrite:
        region = wholeLines(text, action.startByte, action.endByte);
        break;
    case ActionKind::Complete:
        region = scopeRegion(isFunction);
        break;
    case ActionKind::Document:
        region = scopeRegion(isFunction);
        if (!region) region = scopeRegion(isClass);
        break;
    case ActionKind::Fix:
        region = scopeRegion(anyScope);
        if (!region || lineSpan(text, *region) > kFixScopeLines) {
            const uint32_t first = text.lineOf(action.startByte);
            const uint32_t last = text.lineOf(action.endByte);
            const uint32_t from = first > kFixAroundLines ? first - kFixAroundLines : 0;
            const uint32_t to = std::min(text.lineCount() - 1, last + kFixAroundLines);
            region = wholeLines(text, text.lineStart(from), text.lineStart(to));
        }
        break;
    case ActionKind::Instruct:
        if (action.endByte > action.startByte) region = wholeLines(text, action.startByte, action.endByte);
        else region = scopeRegion(isFunction);
        break;
    }
    if (!region) region = wholeLines(text, action.startByte, action.endByte);
    return capped(text, *region);
}

ModelRequest buildActionRequest(const Document& document, const OfferedAction& action, const ActionRegion& region,
                                std::string_view instruction, int maxTokens, RedactedSecrets* secrets) {
    const Text& text = document.text();
    const std::string_view all = text.str();
    const uint32_t firstLine = text.lineOf(region.startByte);
    const uint32_t beforeLine = firstLine > kContextLines ? firstLine - kContextLines : 0;
    const uint32_t endLine = region.endByte >= all.size() ? text.lineCount() : text.lineOf(region.endByte);
    const uint32_t afterLine = std::min(text.lineCount(), endLine + kContextLines);
    const uint32_t afterEnd = afterLine < text.lineCount() ? text.lineStart(afterLine) : static_cast<uint32_t>(all.size());

    std::string regionText(all.substr(region.startByte, region.endByte - region.startByte));
    if (!regionText.empty() && regionText.back() != '\n') regionText += '\n';
    std::string before(all.substr(text.lineStart(beforeLine), region.startByte - text.lineStart(beforeLine)));
    std::string after(all.substr(region.endByte, afterEnd - std::min<uint32_t>(region.endByte, afterEnd)));
    // Nothing secret leaves; what the region held is remembered, so that the rewrite
    // written from placeholders puts the user's own values back.
    RedactedSecrets regionSecrets;
    redactSecrets(before);
    redactSecrets(regionText, secrets ? secrets : &regionSecrets);
    redactSecrets(after);
    std::string context = before + "<|region|>\n" + regionText + "<|end_region|>\n" + after;

    std::string diagnostic;
    if (action.diagnostic) {
        diagnostic = action.diagnostic->message;
        if (!action.diagnostic->source.empty()) diagnostic += " (" + action.diagnostic->source + ")";
        diagnostic += " at line " + std::to_string(text.lineOf(action.diagnostic->startByte) + 1);
    }
    const std::string language =
        document.language() ? std::string(document.language()->name()) : document.languageId();
    const std::map<std::string, std::string> values{
        {"path", document.uri()},  {"language", language},     {"context", context},
        {"name", action.scopeName}, {"diagnostic", diagnostic}, {"instruction", std::string(instruction)},
    };
    ModelRequest request;
    request.system = std::string(actionPrompt("common.system.txt"));
    while (!request.system.empty() && request.system.back() == '\n') request.system.pop_back();
    request.user = substitute(actionPrompt(std::string(toString(action.kind)) + ".user.txt"), values);
    request.maxTokens = maxTokens;
    request.temperature = 0.0;
    return request;
}

std::string cleanRewrite(std::string_view reply, std::string_view original) {
    std::string text(reply);
    // A fence around the whole reply (chat models add them despite being asked not to).
    auto trimmed = [](std::string_view s) {
        while (!s.empty() && (s.front() == '\n' || s.front() == '\r' || s.front() == ' ')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
        return s;
    };
    std::string_view t = trimmed(text);
    if (t.substr(0, 3) == "```") {
        const size_t firstEol = t.find('\n');
        const size_t lastFence = t.rfind("```");
        if (firstEol != std::string_view::npos && lastFence > firstEol) text = std::string(t.substr(firstEol + 1, lastFence - firstEol - 1));
    }
    for (std::string_view marker : {"<|region|>\n", "<|end_region|>\n", "<|region|>", "<|end_region|>"})
        for (size_t at; (at = text.find(marker)) != std::string::npos;) text.erase(at, marker.size());
    // The region's final line break: kept if it had one, not added if it had none.
    const bool endsWithBreak = !original.empty() && original.back() == '\n';
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (endsWithBreak && !text.empty()) text += '\n';
    return text;
}

RewriteCheck checkRewrite(const Document& document, const ActionRegion& region, std::string_view reply) {
    RewriteCheck check;
    const std::string_view all = document.text().str();
    const std::string_view original = all.substr(region.startByte, region.endByte - region.startByte);
    const std::string rewritten = cleanRewrite(reply, original);
    if (rewritten.find_first_not_of(" \t\r\n") == std::string::npos) {
        check.refusal = "the model returned nothing for the region";
        check.reason = "empty";
        return check;
    }
    if (rewritten == original) {
        check.refusal = "the model left the region unchanged";
        check.reason = "unchanged";
        return check;
    }
    if (const Language* language = document.language()) {
        // The rewrite must not add syntax errors the region did not have.
        std::string next;
        next.reserve(all.size() + rewritten.size());
        next.append(all.substr(0, region.startByte)).append(rewritten).append(all.substr(region.endByte));
        SyntaxTree before(*language, all);
        SyntaxTree after(*language, next);
        const size_t errorsBefore = errorsWithin(before.root(), region.startByte, region.endByte);
        const uint32_t newEnd = region.startByte + static_cast<uint32_t>(rewritten.size());
        const size_t errorsAfter = errorsWithin(after.root(), region.startByte, newEnd);
        if (errorsAfter > errorsBefore) {
            std::vector<std::pair<uint32_t, uint32_t>> errors;
            collectErrors(after.root(), errors);
            uint32_t line = 0;
            for (const auto& [start, end] : errors)
                if (end >= region.startByte && start <= newEnd) {
                    line = static_cast<uint32_t>(std::count(next.begin(), next.begin() + start, '\n')) + 1;
                    break;
                }
            check.refusal = "the rewrite would add a syntax error (line " + std::to_string(line) +
                            "), so it was not applied";
            check.reason = "syntax-error";
            return check;
        }
    }
    check.edits = minimalEdits(original, rewritten, region.startByte);
    return check;
}

} // namespace flint
