#include "suggest/ShapingSyntax.h"

#include "workspace/Document.h"
#include "workspace/Language.h"

#include <algorithm>
#include <tree_sitter/api.h>

namespace flint {

namespace {

// The window of the text a suggestion is parsed in: up to this many lines after the
// cursor's, and never more than this many bytes past the cursor. Tree-sitter is told
// to parse only that range (included ranges), so a suggestion that changes how the rest
// of the file lexes (a Python line break can) re-lexes the window, not the file.
constexpr uint32_t kLinesAfter = 8;
constexpr size_t kWindowBytes = 4096;
// A parse that runs past this many of tree-sitter's progress checks (one per 100 parse
// operations; a window check takes a few) is taken for a suggestion that broke the
// parse, not waited for. Counted, not timed: the verdict must not depend on how loaded
// the machine is.
constexpr uint32_t kParseChecks = 2000;
// Subtrees with errors before the cursor may hold brackets left open (a function still
// being written at the end of a file); only those this close to the cursor are read.
constexpr uint32_t kRecentBytes = 4096;

bool isOpenerType(std::string_view type) {
    return !type.empty() && std::string_view("([{").find(type.back()) != std::string_view::npos;
}
bool isCloserType(std::string_view type) {
    return !type.empty() && std::string_view(")]}").find(type.front()) != std::string_view::npos;
}
char closerFor(char open) {
    return open == '(' ? ')' : open == '[' ? ']' : '}';
}

// Text made of three pieces laid end to end: before the cursor, the suggestion, and
// after the cursor. Nothing is copied.
struct Pieces {
    std::string_view part[3];
};

const char* readPieces(void* payload, uint32_t byte, TSPoint, uint32_t* bytesRead) {
    const auto* pieces = static_cast<const Pieces*>(payload);
    size_t offset = byte;
    for (const std::string_view& part : pieces->part) {
        if (offset < part.size()) {
            *bytesRead = static_cast<uint32_t>(part.size() - offset);
            return part.data() + offset;
        }
        offset -= part.size();
    }
    *bytesRead = 0;
    return "";
}

bool outOfChecks(TSParseState* state) {
    return --*static_cast<uint32_t*>(state->payload) == 0;
}

// Parses the text of `pieces` up to `end` (a byte and its point), reusing `old`.
TSTree* parseWithin(TSParser* parser, const TSTree* old, const Pieces& pieces, uint32_t start,
                    TSPoint startPoint, uint32_t end, TSPoint endPoint) {
    const TSRange range{startPoint, endPoint, start, end};
    ts_parser_set_included_ranges(parser, &range, 1);
    TSInput input{const_cast<Pieces*>(&pieces), &readPieces, TSInputEncodingUTF8, nullptr};
    uint32_t checks = kParseChecks;
    TSParseOptions options{&checks, &outOfChecks};
    TSTree* tree = ts_parser_parse_with_options(parser, old, input, options);
    if (!tree) ts_parser_reset(parser);
    return tree;
}

TSPoint toPoint(BytePoint p) {
    return {p.row, p.column};
}

// Where `s` ends when it starts at `at` (rows counted at '\n', as tree-sitter counts).
TSPoint advance(TSPoint at, std::string_view s) {
    const size_t lastNewline = s.rfind('\n');
    if (lastNewline == std::string_view::npos)
        return {at.row, at.column + static_cast<uint32_t>(s.size())};
    return {at.row + static_cast<uint32_t>(std::count(s.begin(), s.end(), '\n')),
            static_cast<uint32_t>(s.size() - lastNewline - 1)};
}

struct Errors {
    size_t count = 0; // ERROR and MISSING nodes
    // Each as (where it starts << 16 | its symbol): an ERROR, or the token a MISSING stands for.
    std::vector<uint64_t> keys;
    // Of those, MISSING closers of brackets opened before `openedBefore`: a block the user
    // left open, closed by nothing yet, wherever the parser puts the missing closer.
    std::vector<uint32_t> userUnclosedStarts;
};

uint64_t errorKey(uint32_t start, TSSymbol symbol) {
    return static_cast<uint64_t>(start) << 16 | symbol;
}

bool closesBracketOpenedBefore(TSNode missing, uint32_t before) {
    const std::string_view type = ts_node_type(missing);
    if (!isCloserType(type)) return false;
    const char open = type.front() == ')' ? '(' : type.front() == ']' ? '[' : '{';
    const TSNode parent = ts_node_parent(missing);
    if (ts_node_is_null(parent)) return false;
    for (uint32_t i = 0, n = ts_node_child_count(parent); i < n; ++i) {
        const TSNode child = ts_node_child(parent, i);
        const std::string_view childType = ts_node_type(child);
        if (ts_node_child_count(child) == 0 && isOpenerType(childType) && childType.back() == open)
            return ts_node_start_byte(child) < before;
    }
    return false;
}

// Walks only into subtrees that hold errors.
Errors findErrors(TSNode root, uint32_t cursor) {
    Errors errors;
    TSTreeCursor walk = ts_tree_cursor_new(root);
    for (;;) {
        const TSNode node = ts_tree_cursor_current_node(&walk);
        bool descend = false;
        if (ts_node_is_error(node) || ts_node_is_missing(node)) {
            ++errors.count;
            errors.keys.push_back(errorKey(ts_node_start_byte(node), ts_node_symbol(node)));
            if (ts_node_is_missing(node) && closesBracketOpenedBefore(node, cursor))
                errors.userUnclosedStarts.push_back(ts_node_start_byte(node));
        } else {
            descend = ts_node_has_error(node);
        }
        if (descend && ts_tree_cursor_goto_first_child(&walk)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&walk)) {
            if (!ts_tree_cursor_goto_parent(&walk)) {
                ts_tree_cursor_delete(&walk);
                return errors;
            }
        }
    }
}

const Query* shapingQuery(const SyntaxTree& tree) {
    return tree.language().query(QueryKind::Shaping);
}

// Applies the bracket tokens of a subtree before the cursor to `open` (outermost first):
// a subtree with errors may leave an opener unclosed (its closer MISSING), as a function
// still being written at the end of a file does. Bounded: only the recent past matters.
void applyBracketsOf(TSNode node, std::vector<OpenBracket>& open) {
    constexpr int kMaxNodes = 4000;
    int visited = 0;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    for (;;) {
        const TSNode n = ts_tree_cursor_current_node(&cursor);
        if (++visited > kMaxNodes) break;
        if (ts_node_child_count(n) == 0) {
            const std::string_view type = ts_node_type(n);
            if (!ts_node_is_missing(n)) {
                if (isOpenerType(type))
                    open.push_back({type.back(), false});
                else if (isCloserType(type) && !open.empty() &&
                         closerFor(open.back().open) == type.front())
                    open.pop_back();
            }
        } else if (ts_tree_cursor_goto_first_child(&cursor)) {
            continue;
        }
        bool moved = false;
        while (!(moved = ts_tree_cursor_goto_next_sibling(&cursor)))
            if (!ts_tree_cursor_goto_parent(&cursor)) break;
        if (!moved) break;
    }
    ts_tree_cursor_delete(&cursor);
}

} // namespace

// ---------------------------------------------------------------------------------------
// Facts about the cursor

std::optional<bool> syntaxWantsSingleLine(const Document& document, size_t offset) {
    const SyntaxTree* tree = document.syntax();
    if (!tree) return std::nullopt;
    const Query* query = shapingQuery(*tree);
    if (!query) return std::nullopt;
    const std::string& text = document.text().str();
    offset = std::min(offset, text.size());
    const size_t lineStart = document.text().lineStart(document.text().lineOf(offset));
    const std::string_view linePrefix =
        std::string_view(text).substr(lineStart, offset - lineStart);
    const size_t last = linePrefix.find_last_not_of(" \t");
    if (last == std::string_view::npos) return false; // a blank line: a block may follow
    const uint32_t b =
        static_cast<uint32_t>(lineStart + last); // the last character before the cursor

    bool inLineComment = false, afterOpener = false, afterStatement = false;
    query->forEachMatch(tree->root(), text, b, b + 1, [&](const QueryMatch& match) {
        for (const TSQueryCapture& capture : match.captures) {
            const std::string_view name = match.query->captureName(capture.index);
            const uint32_t start = ts_node_start_byte(capture.node),
                           end = ts_node_end_byte(capture.node);
            if (name == "singleline" && start < offset && offset <= end)
                inLineComment = true;
            else if (name == "opener" && end == b + 1)
                afterOpener = true;
            else if (name == "unit" && end == b + 1 && !ts_node_has_error(capture.node))
                afterStatement = true;
        }
    });
    if (inLineComment) return true;
    if (std::string_view("([{").find(text[b]) != std::string_view::npos || afterOpener)
        return false;
    // After a complete statement the next one may follow; after an operator, a keyword or
    // an unfinished expression, the line is what is missing.
    return !afterStatement;
}

std::optional<std::vector<OpenBracket>> openBracketsAt(const Document& document, size_t offset) {
    const SyntaxTree* tree = document.syntax();
    if (!tree) return std::nullopt;
    const uint32_t c = static_cast<uint32_t>(std::min(offset, document.text().size()));
    std::vector<OpenBracket> outerFirst;
    TSNode node = tree->root();
    // From the root down the nodes that hold the cursor: at each, the bracket tokens among
    // its children before the cursor that stay unmatched there are open at the cursor, and
    // a closer among its children after the cursor closes them (a MISSING one does not).
    // A node with thousands of children (a module, a namespace body) is not walked child
    // by child: its own brackets are among its first and last children, and only the
    // children near the cursor matter otherwise; the tree cursor jumps there in O(log n).
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    for (;;) {
        std::vector<OpenBracket> level;
        size_t closedAfter =
            0; // how many of `level` (from its innermost) are closed after the cursor
        bool closingDone = false;
        std::vector<char> after; // brackets opened after the cursor at this level
        TSNode next{};
        bool descend = false;
        uint32_t lastStart = 0, lastEnd = 0;
        bool visited = false;
        auto visit = [&](TSNode child) {
            const uint32_t start = ts_node_start_byte(child), end = ts_node_end_byte(child);
            // The three passes below may meet a child twice: each is taken once, in order.
            if (visited && (start < lastStart || (start == lastStart && end <= lastEnd))) return;
            visited = true;
            lastStart = start;
            lastEnd = end;
            if (ts_node_child_count(child) > 0) {
                if (start < c && c <= end) {
                    next = child;
                    descend = true;
                } else if (end <= c && c - end <= kRecentBytes && ts_node_has_error(child)) {
                    applyBracketsOf(child, level);
                }
                return;
            }
            if (ts_node_is_missing(child)) return;
            const std::string_view type = ts_node_type(child);
            if (end <= c) {
                if (isOpenerType(type))
                    level.push_back({type.back(), false});
                else if (isCloserType(type) && !level.empty() &&
                         closerFor(level.back().open) == type.front())
                    level.pop_back();
            } else if (start >= c && !closingDone) {
                if (isOpenerType(type)) {
                    after.push_back(type.back());
                } else if (isCloserType(type)) {
                    if (!after.empty()) {
                        if (closerFor(after.back()) == type.front())
                            after.pop_back();
                        else
                            closingDone = true;
                    } else if (closedAfter < level.size() &&
                               closerFor(level[level.size() - 1 - closedAfter].open) ==
                                   type.front()) {
                        level[level.size() - 1 - closedAfter].closedAfter = true;
                        ++closedAfter;
                    } else {
                        closingDone = true;
                    }
                }
            }
        };
        constexpr int kEdgeChildren = 8;
        // The first children: a node's own opening bracket comes first.
        ts_tree_cursor_reset(&cursor, node);
        int count = 0;
        for (bool more = ts_tree_cursor_goto_first_child(&cursor); more && count < kEdgeChildren;
             more = ts_tree_cursor_goto_next_sibling(&cursor), ++count)
            visit(ts_tree_cursor_current_node(&cursor));
        // From the children just before the cursor, through the one holding it, to a few after.
        ts_tree_cursor_reset(&cursor, node);
        if (ts_tree_cursor_goto_first_child_for_byte(&cursor, c > kRecentBytes ? c - kRecentBytes
                                                                               : 0) >= 0) {
            int afterCursor = 0;
            do {
                const TSNode child = ts_tree_cursor_current_node(&cursor);
                visit(child);
                if (ts_node_start_byte(child) >= c && ++afterCursor >= kEdgeChildren) break;
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        // The last child: a node's own closing bracket comes last.
        ts_tree_cursor_reset(&cursor, node);
        if (ts_tree_cursor_goto_last_child(&cursor)) visit(ts_tree_cursor_current_node(&cursor));
        outerFirst.insert(outerFirst.end(), level.begin(), level.end());
        if (!descend) break;
        node = next;
    }
    ts_tree_cursor_delete(&cursor);
    return std::vector<OpenBracket>(outerFirst.rbegin(), outerFirst.rend());
}

// ---------------------------------------------------------------------------------------
// SuggestionParser

SuggestionParser::SuggestionParser(const Document& document, size_t offset, size_t leftOpen)
    : leftOpenAtCursor_(leftOpen) {
    const SyntaxTree* tree = document.syntax();
    // A tree still being parsed does not match the text: no syntax rules then.
    if (!tree || document.parsePending()) return;
    const Text& text = document.text();
    offset_ = std::min(offset, text.size());
    const uint32_t line = text.lineOf(offset_);
    const uint32_t lastLine = std::min(line + kLinesAfter, text.lineCount() - 1);
    size_t windowEnd = lastLine + 1 < text.lineCount() ? text.lineStart(lastLine + 1) : text.size();
    if (windowEnd > offset_ + kWindowBytes) {
        // Long lines: end at the last line start within the byte budget, or mid-line.
        const uint32_t limitLine = text.lineOf(offset_ + kWindowBytes);
        windowEnd = limitLine > line ? text.lineStart(limitLine) : offset_ + kWindowBytes;
    }
    // The text up to the window's end, kept: the suggestion is judged against the text it
    // was asked for, whatever happens to the document while it streams (the user may type
    // it through; a prefetch's document is a temporary copy).
    text_ = text.str().substr(0, windowEnd);
    cursorPoint_ = toPoint(text.pointAt(offset_));
    windowEndPoint_ = toPoint(text.pointAt(windowEnd));
    language_ = &tree->language();
    base_ = ts_tree_copy(tree->tree());
    // The window starts where the top-level item holding the cursor starts (or the last
    // one before it): the parser is in its start-of-file state there, so the window parses
    // as it does in the file, while every parse skips the rest of the file before it (a
    // re-parse from the file's start costs time in proportion to the nodes it walks past).
    // Items of a @toplevel body (a C++ namespace's) count as top-level items too.
    TSNode container = ts_tree_root_node(base_);
    if (const Query* query = language_->query(QueryKind::Shaping)) {
        const uint32_t c = static_cast<uint32_t>(offset_);
        query->forEachMatch(container, text_, c, c + 1, [&](const QueryMatch& match) {
            for (const TSQueryCapture& capture : match.captures) {
                if (match.query->captureName(capture.index) != "toplevel") continue;
                const TSNode body = capture.node;
                // The innermost body that holds the cursor past its opening bracket.
                if (ts_node_start_byte(body) < c && c < ts_node_end_byte(body) &&
                    ts_node_start_byte(body) >= ts_node_start_byte(container))
                    container = body;
            }
        });
    }
    TSTreeCursor cursor = ts_tree_cursor_new(container);
    std::optional<TSNode> holder;
    for (bool more = ts_tree_cursor_goto_first_child(&cursor); more; more = ts_tree_cursor_goto_next_sibling(&cursor)) {
        const TSNode child = ts_tree_cursor_current_node(&cursor);
        if (ts_node_start_byte(child) > offset_) break;
        // In a body, the item after its opening bracket (the bracket is not an item).
        if (ts_node_is_named(child) || ts_node_eq(container, ts_tree_root_node(base_))) holder = child;
        else if (!holder) {
            windowStart_ = ts_node_end_byte(child);
            windowStartPoint_ = ts_node_end_point(child);
        }
    }
    ts_tree_cursor_delete(&cursor);
    if (holder) {
        windowStart_ = ts_node_start_byte(*holder);
        windowStartPoint_ = ts_node_start_point(*holder);
    }
}

SuggestionParser::~SuggestionParser() {
    if (base_) ts_tree_delete(base_);
    if (window_) ts_tree_delete(window_);
    if (parser_) ts_parser_delete(parser_);
}

void SuggestionParser::prepare() const {
    if (parser_ || !base_) return;
    parser_ = ts_parser_new();
    ts_parser_set_language(parser_, language_->grammar());
    const Pieces pieces{{text_, {}, {}}};
    window_ = parseWithin(parser_, base_, pieces, windowStart_, windowStartPoint_, static_cast<uint32_t>(text_.size()),
                          windowEndPoint_);
    ++parses_;
    if (!window_) return;
    Errors errors = findErrors(ts_tree_root_node(window_), static_cast<uint32_t>(offset_));
    windowErrors_ = errors.count;
    windowErrorKeys_ = std::move(errors.keys);
    std::sort(windowErrorKeys_.begin(), windowErrorKeys_.end());
}

SuggestionVerdict SuggestionParser::check(std::string_view suggestion) const {
    if (!base_) return {};
    if (lastVerdict_.parsed && suggestion == lastSuggestion_) return lastVerdict_;
    prepare();
    if (!window_) return {};

    const std::string_view all = text_;
    const uint32_t c = static_cast<uint32_t>(offset_);
    const uint32_t insertedEnd = c + static_cast<uint32_t>(suggestion.size());
    TSTree* tree = ts_tree_copy(window_);
    const TSPoint at = cursorPoint_;
    const TSPoint insertedAt = advance(at, suggestion);
    const TSInputEdit insert{c, c, insertedEnd, at, at, insertedAt};
    ts_tree_edit(tree, &insert);
    // The window's end, moved by the suggestion.
    const uint32_t end = static_cast<uint32_t>(text_.size() + suggestion.size());
    const TSPoint endPoint =
        windowEndPoint_.row == at.row
            ? TSPoint{insertedAt.row, insertedAt.column + (windowEndPoint_.column - at.column)}
            : TSPoint{windowEndPoint_.row + (insertedAt.row - at.row), windowEndPoint_.column};
    const Pieces pieces{{all.substr(0, c), suggestion, all.substr(c)}};
    TSTree* parsed = parseWithin(parser_, tree, pieces, windowStart_, windowStartPoint_, end, endPoint);
    ts_tree_delete(tree);
    ++parses_;

    SuggestionVerdict verdict;
    verdict.parsed = true;
    if (!parsed) {
        verdict.clean = false;
    } else {
        const TSNode root = ts_tree_root_node(parsed);
        // Every error must be one the window had, of the same kind at the same place: before
        // the cursor the texts are the same; past the suggestion they are shifted by its
        // length; inside it, any error is its own. (Counting alone is not enough: a
        // suggestion may fix the user's unfinished line and break something else, and error
        // recovery may move an error to where the statement began.) One exception: the
        // closer of a bracket the user opened and left open is missing before and after, but
        // the parser may put it elsewhere once the suggestion is in.
        const Errors errors = findErrors(root, c);
        const uint32_t length = static_cast<uint32_t>(suggestion.size());
        auto had = [&](uint32_t start, uint64_t key) {
            return std::binary_search(windowErrorKeys_.begin(), windowErrorKeys_.end(),
                                      errorKey(start, static_cast<TSSymbol>(key & 0xFFFF)));
        };
        size_t leftOpen = 0;
        for (uint64_t key : errors.keys) {
            const uint32_t start = static_cast<uint32_t>(key >> 16);
            const bool known =
                start <= c ? had(start, key) : start >= insertedEnd && had(start - length, key);
            if (known) continue;
            if (start >= insertedEnd && leftOpen < leftOpenAtCursor_ &&
                std::binary_search(errors.userUnclosedStarts.begin(),
                                   errors.userUnclosedStarts.end(), start)) {
                ++leftOpen;
                continue;
            }
            verdict.clean = false;
        }
        if (errors.count - leftOpen > windowErrors_) verdict.clean = false;

        const size_t first = suggestion.find_first_not_of(" \t\r\n");
        const Query* query = language_->query(QueryKind::Shaping);
        if (first != std::string_view::npos && query) {
            // The innermost unit that began before the cursor and holds the suggestion's
            // first character: the statement being finished, or the block being filled.
            const uint32_t probe = c + static_cast<uint32_t>(first);
            uint32_t bestStart = 0, bestEnd = 0;
            bool found = false;
            query->forEachMatch(root, {}, probe, probe + 1, [&](const QueryMatch& match) {
                for (const TSQueryCapture& capture : match.captures) {
                    if (match.query->captureName(capture.index) != "unit") continue;
                    const uint32_t start = ts_node_start_byte(capture.node),
                                   end = ts_node_end_byte(capture.node);
                    if (start >= c || end <= probe) continue;
                    if (!found || start > bestStart || (start == bestStart && end < bestEnd)) {
                        bestStart = start;
                        bestEnd = end;
                        found = true;
                    }
                }
            });
            if (found && bestEnd < insertedEnd) verdict.unitEnd = bestEnd - c;
        }
        ts_tree_delete(parsed);
    }
    lastSuggestion_ = std::string(suggestion);
    lastVerdict_ = verdict;
    return verdict;
}

} // namespace flint
