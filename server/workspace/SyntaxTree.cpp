#include "workspace/SyntaxTree.h"

#include <algorithm>
#include <optional>

namespace flint {

namespace {

TSPoint toTs(BytePoint p) { return {p.row, p.column}; }

const char* readText(void* payload, uint32_t byte, TSPoint, uint32_t* bytesRead) {
    const auto* text = static_cast<const std::string_view*>(payload);
    if (byte >= text->size()) {
        *bytesRead = 0;
        return "";
    }
    *bytesRead = static_cast<uint32_t>(text->size() - byte);
    return text->data() + byte;
}

bool pastDeadline(TSParseState* state) {
    const auto* deadline = static_cast<const std::chrono::steady_clock::time_point*>(state->payload);
    return std::chrono::steady_clock::now() > *deadline;
}

// "scope.function" with prefix "scope" → "function"; "scope" → "".
std::optional<std::string_view> captureKind(std::string_view capture, std::string_view prefix) {
    if (!capture.starts_with(prefix)) return std::nullopt;
    capture.remove_prefix(prefix.size());
    if (capture.empty()) return capture;
    if (capture.front() != '.') return std::nullopt;
    return capture.substr(1);
}

} // namespace

SyntaxTree::SyntaxTree(const Language& language, std::string_view text)
    : language_(&language), parser_(ts_parser_new()) {
    ts_parser_set_language(parser_, language.grammar());
    reparse(text);
    lastCost_ = std::chrono::nanoseconds(0);  // a first parse says nothing of a keystroke's
}

SyntaxTree::SyntaxTree(const Language& language) : language_(&language), parser_(ts_parser_new()) {
    ts_parser_set_language(parser_, language.grammar());
}

std::unique_ptr<SyntaxTree> SyntaxTree::parseUnless(const Language& language, std::string_view text,
                                                    const std::atomic<bool>& abandon) {
    std::unique_ptr<SyntaxTree> tree(new SyntaxTree(language));
    TSInput input{&text, &readText, TSInputEncodingUTF8, nullptr};
    TSParseOptions options{const_cast<std::atomic<bool>*>(&abandon), [](TSParseState* state) {
                               return static_cast<const std::atomic<bool>*>(state->payload)->load(
                                   std::memory_order_relaxed);
                           }};
    tree->tree_ = ts_parser_parse_with_options(tree->parser_, nullptr, input, options);
    if (!tree->tree_) return nullptr;
    tree->upToDate_ = true;
    return tree;
}

std::unique_ptr<SyntaxTree> SyntaxTree::clone() const {
    std::unique_ptr<SyntaxTree> copy(new SyntaxTree(*language_));
    copy->tree_ = tree_ ? ts_tree_copy(tree_) : nullptr;
    copy->upToDate_ = upToDate_;
    return copy;
}

SyntaxTree::~SyntaxTree() {
    if (tree_) ts_tree_delete(tree_);
    ts_parser_delete(parser_);
}

void SyntaxTree::edit(const ByteEdit& e) {
    upToDate_ = false;
    if (halted_) {
        ts_parser_reset(parser_);
        halted_ = false;
        abandoned_ = true;
        lastCost_ = std::max(lastCost_, work_);
    }
    work_ = std::chrono::nanoseconds(0);
    if (!tree_) return;
    const TSInputEdit input{e.startByte,          e.oldEndByte,          e.newEndByte,
                            toTs(e.startPoint),   toTs(e.oldEndPoint),   toTs(e.newEndPoint)};
    ts_tree_edit(tree_, &input);
}

bool SyntaxTree::reparse(std::string_view text, std::optional<std::chrono::microseconds> budget) {
    TSInput input{&text, &readText, TSInputEncodingUTF8, nullptr};
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + budget.value_or(std::chrono::microseconds(0));
    TSParseOptions options{const_cast<std::chrono::steady_clock::time_point*>(&deadline),
                           budget ? &pastDeadline : nullptr};
    TSTree* next = ts_parser_parse_with_options(parser_, tree_, input, options);
    work_ += std::chrono::steady_clock::now() - started;
    if (!next) {
        halted_ = true;
        return false;
    }
    halted_ = false;
    upToDate_ = true;
    lastCost_ = work_;
    abandoned_ = false;
    work_ = std::chrono::nanoseconds(0);
    if (tree_) ts_tree_delete(tree_);
    tree_ = next;
    return true;
}

std::vector<std::string> SyntaxTree::nodePath(uint32_t byte) const {
    std::vector<std::string> path;
    TSNode node = root();
    const TSNode target = ts_node_named_descendant_for_byte_range(node, byte, byte);
    path.emplace_back(ts_node_type(node));
    // Walk down from the root: ts_node_parent costs a search from the root per call.
    while (!ts_node_is_null(target) && !ts_node_eq(node, target)) {
        node = ts_node_child_with_descendant(node, target);
        if (ts_node_is_null(node)) break;
        if (ts_node_is_named(node)) path.emplace_back(ts_node_type(node));
    }
    return path;
}

std::vector<Scope> SyntaxTree::scopesAt(uint32_t byte, std::string_view text) const {
    std::vector<Scope> scopes;
    const Query* query = language_->query(QueryKind::Scopes);
    if (!query) return scopes;
    // A range one byte wide either side: a scope ending exactly at the end of the
    // text still intersects it. Containment is checked below.
    query->forEachMatch(root(), text, byte > 0 ? byte - 1 : 0, byte + 1, [&](const QueryMatch& match) {
        const TSNode* scopeNode = nullptr;
        std::string kind;
        std::string name;
        for (const TSQueryCapture& capture : match.captures) {
            const std::string_view captureName = match.query->captureName(capture.index);
            if (auto k = captureKind(captureName, "scope")) {
                scopeNode = &capture.node;
                kind = *k;
            } else if (captureName == "name") {
                name = std::string(nodeText(capture.node, text));
            }
        }
        if (!scopeNode) return;
        const uint32_t s = ts_node_start_byte(*scopeNode);
        const uint32_t e = ts_node_end_byte(*scopeNode);
        const bool contains = s <= byte && (byte < e || (byte == e && e == text.size()));
        if (!contains) return;
        for (Scope& seen : scopes) {
            if (seen.startByte != s || seen.endByte != e) continue;
            // One node caught by two patterns: keep one entry, with a name if either has it.
            if (seen.name.empty()) seen.name = std::move(name);
            return;
        }
        scopes.push_back({std::move(kind), std::move(name), s, e});
    });
    // Outermost first: earlier start, then larger extent.
    std::stable_sort(scopes.begin(), scopes.end(), [](const Scope& a, const Scope& b) {
        if (a.startByte != b.startByte) return a.startByte < b.startByte;
        return a.endByte > b.endByte;
    });
    return scopes;
}

std::vector<ByteSpan> SyntaxTree::imports(std::string_view text, uint32_t startByte, uint32_t endByte) const {
    std::vector<ByteSpan> spans;
    const Query* query = language_->query(QueryKind::Imports);
    if (!query) return spans;
    query->forEachMatch(root(), text, startByte, endByte, [&](const QueryMatch& match) {
        for (const TSQueryCapture& capture : match.captures)
            if (match.query->captureName(capture.index) == "import")
                spans.push_back({ts_node_start_byte(capture.node), ts_node_end_byte(capture.node)});
    });
    return spans;
}

std::vector<Definition> SyntaxTree::definitions(std::string_view text, uint32_t startByte, uint32_t endByte) const {
    std::vector<Definition> found;
    const Query* query = language_->query(QueryKind::Definitions);
    if (!query) return found;
    query->forEachMatch(root(), text, startByte, endByte, [&](const QueryMatch& match) {
        Definition definition;
        bool isDefinition = false;
        for (const TSQueryCapture& capture : match.captures) {
            const std::string_view captureName = match.query->captureName(capture.index);
            if (auto k = captureKind(captureName, "definition")) {
                isDefinition = true;
                definition.kind = *k;
                definition.startByte = ts_node_start_byte(capture.node);
                definition.endByte = ts_node_end_byte(capture.node);
            } else if (captureName == "name") {
                definition.name = std::string(nodeText(capture.node, text));
            }
        }
        if (isDefinition) found.push_back(std::move(definition));
    });
    return found;
}

} // namespace flint
