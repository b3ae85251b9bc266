#include "workspace/Language.h"

#include "workspace/GrammarTable.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace flint {

std::string_view toString(QueryKind kind) {
    switch (kind) {
    case QueryKind::Scopes: return "scopes";
    case QueryKind::Imports: return "imports";
    case QueryKind::Definitions: return "definitions";
    case QueryKind::Regions: return "regions";
    case QueryKind::Shaping: return "shaping";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------
// Query

struct Query::Predicate {
    enum class Op { Eq, NotEq, Match, NotMatch, AnyOf };
    Op op = Op::Eq;
    uint32_t capture = 0;
    std::optional<uint32_t> otherCapture;  // #eq? @a @b
    std::vector<std::string> values;
    std::optional<std::regex> regex;
};

std::string_view nodeText(TSNode node, std::string_view text) {
    const uint32_t start = std::min<uint32_t>(ts_node_start_byte(node), text.size());
    const uint32_t end = std::min<uint32_t>(ts_node_end_byte(node), text.size());
    return text.substr(start, end - start);
}

namespace {

const char* queryErrorName(TSQueryError error) {
    switch (error) {
    case TSQueryErrorSyntax: return "syntax error";
    case TSQueryErrorNodeType: return "unknown node type";
    case TSQueryErrorField: return "unknown field";
    case TSQueryErrorCapture: return "unknown capture";
    case TSQueryErrorStructure: return "impossible pattern";
    case TSQueryErrorLanguage: return "language mismatch";
    default: return "error";
    }
}

} // namespace

std::unique_ptr<Query> Query::compile(const TSLanguage* grammar, std::string_view source,
                                      std::string& error) {
    uint32_t errorOffset = 0;
    TSQueryError errorType = TSQueryErrorNone;
    TSQuery* raw = ts_query_new(grammar, source.data(), static_cast<uint32_t>(source.size()),
                                &errorOffset, &errorType);
    if (!raw) {
        const size_t lineStart = source.rfind('\n', errorOffset ? errorOffset - 1 : 0);
        const size_t from = lineStart == std::string_view::npos ? 0 : lineStart + 1;
        const size_t line = std::count(source.begin(), source.begin() + from, '\n') + 1;
        error = std::string(queryErrorName(errorType)) + " at line " + std::to_string(line) +
                ": " + std::string(source.substr(errorOffset, 40));
        return nullptr;
    }
    std::unique_ptr<Query> query(new Query());
    query->query_ = raw;

    const uint32_t patterns = ts_query_pattern_count(raw);
    query->predicates_.resize(patterns);
    for (uint32_t pattern = 0; pattern < patterns; ++pattern) {
        uint32_t stepCount = 0;
        const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(raw, pattern, &stepCount);
        for (uint32_t i = 0; i < stepCount;) {
            uint32_t end = i;
            while (end < stepCount && steps[end].type != TSQueryPredicateStepTypeDone) ++end;
            std::span<const TSQueryPredicateStep> args(steps + i, end - i);
            i = end + 1;
            if (args.empty() || args[0].type != TSQueryPredicateStepTypeString) continue;
            // Separate statements: the length is written by the call, so it must not be
            // read in the same full-expression (argument order is unspecified).
            auto stringArg = [&](size_t k) {
                uint32_t n = 0;
                const char* value = ts_query_string_value_for_id(raw, args[k].value_id, &n);
                return std::string(value, n);
            };
            const std::string op = stringArg(0);
            Predicate p;
            if (op == "eq?" || op == "not-eq?") p.op = op == "eq?" ? Predicate::Op::Eq : Predicate::Op::NotEq;
            else if (op == "match?" || op == "not-match?")
                p.op = op == "match?" ? Predicate::Op::Match : Predicate::Op::NotMatch;
            else if (op == "any-of?") p.op = Predicate::Op::AnyOf;
            else {
                // Directives such as #set! carry no filter; nothing of ours relies on them.
                continue;
            }
            if (args.size() < 3 || args[1].type != TSQueryPredicateStepTypeCapture) {
                error = "predicate #" + op + " needs a capture and an argument";
                return nullptr;
            }
            p.capture = args[1].value_id;
            if (p.op == Predicate::Op::AnyOf) {
                for (size_t k = 2; k < args.size(); ++k) p.values.push_back(stringArg(k));
            } else if (args[2].type == TSQueryPredicateStepTypeCapture) {
                p.otherCapture = args[2].value_id;
            } else {
                p.values.push_back(stringArg(2));
                if (p.op == Predicate::Op::Match || p.op == Predicate::Op::NotMatch) {
                    try {
                        p.regex.emplace(p.values[0], std::regex::ECMAScript | std::regex::optimize);
                    } catch (const std::regex_error& e) {
                        error = "bad regex in #" + op + ": " + p.values[0];
                        return nullptr;
                    }
                }
            }
            query->predicates_[pattern].push_back(std::move(p));
        }
    }
    return query;
}

Query::~Query() {
    if (query_) ts_query_delete(query_);
}

std::string_view Query::captureName(uint32_t id) const {
    uint32_t len = 0;
    const char* name = ts_query_capture_name_for_id(query_, id, &len);
    return {name, len};
}

uint32_t Query::patternCount() const { return ts_query_pattern_count(query_); }

bool Query::predicatesHold(const TSQueryMatch& match, std::string_view text) const {
    for (const Predicate& p : predicates_[match.pattern_index]) {
        for (uint16_t c = 0; c < match.capture_count; ++c) {
            if (match.captures[c].index != p.capture) continue;
            const std::string_view value = nodeText(match.captures[c].node, text);
            bool holds = true;
            switch (p.op) {
            case Predicate::Op::Eq:
            case Predicate::Op::NotEq: {
                bool equal = false;
                if (p.otherCapture) {
                    for (uint16_t d = 0; d < match.capture_count; ++d)
                        if (match.captures[d].index == *p.otherCapture)
                            equal = nodeText(match.captures[d].node, text) == value;
                } else {
                    equal = value == p.values[0];
                }
                holds = (p.op == Predicate::Op::Eq) == equal;
                break;
            }
            case Predicate::Op::Match:
            case Predicate::Op::NotMatch: {
                const bool found = std::regex_search(value.begin(), value.end(), *p.regex);
                holds = (p.op == Predicate::Op::Match) == found;
                break;
            }
            case Predicate::Op::AnyOf:
                holds = std::find(p.values.begin(), p.values.end(), value) != p.values.end();
                break;
            }
            if (!holds) return false;
        }
    }
    return true;
}

void Query::forEachMatch(TSNode root, std::string_view text, uint32_t startByte, uint32_t endByte,
                         const std::function<void(const QueryMatch&)>& onMatch) const {
    TSQueryCursor* cursor = ts_query_cursor_new();
    ts_query_cursor_set_byte_range(cursor, startByte, endByte);
    ts_query_cursor_exec(cursor, query_, root);
    TSQueryMatch match;
    while (ts_query_cursor_next_match(cursor, &match)) {
        if (!predicatesHold(match, text)) continue;
        onMatch(QueryMatch{this, match.pattern_index, {match.captures, match.capture_count}});
    }
    ts_query_cursor_delete(cursor);
}

// ---------------------------------------------------------------------------------------
// Language

const Query* Language::query(QueryKind kind) const {
    const size_t i = index(kind);
    std::call_once(compiled_[i], [&] {
        if (sources_[i].find_first_not_of(" \t\r\n") == std::string::npos) return;
        queries_[i] = Query::compile(grammar_, sources_[i], errors_[i]);
        if (!queries_[i])
            spdlog::error("query {}/{}.scm does not compile: {}", name_, toString(kind), errors_[i]);
    });
    return queries_[i].get();
}

std::string Language::compileQuery(QueryKind kind) const {
    query(kind);
    return errors_[index(kind)];
}

// ---------------------------------------------------------------------------------------
// LanguageRegistry

namespace {

std::vector<std::string> splitWords(std::string_view s, std::string_view separators = " ") {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < s.size()) {
        const size_t start = s.find_first_not_of(separators, i);
        if (start == std::string_view::npos) break;
        size_t end = s.find_first_of(separators, start);
        if (end == std::string_view::npos) end = s.size();
        words.emplace_back(s.substr(start, end - start));
        i = end;
    }
    return words;
}

std::string_view rawQuery(const GrammarEntry& entry, QueryKind kind) {
    switch (kind) {
    case QueryKind::Scopes: return entry.scopesQuery;
    case QueryKind::Imports: return entry.importsQuery;
    case QueryKind::Definitions: return entry.definitionsQuery;
    case QueryKind::Regions: return entry.regionsQuery;
    case QueryKind::Shaping: return entry.shapingQuery;
    }
    return {};
}

const GrammarEntry* entryNamed(std::string_view name) {
    for (const GrammarEntry& entry : grammarTable())
        if (entry.name == name) return &entry;
    return nullptr;
}

// Resolves "; inherits: a, b" on the first line: the parents' text comes first.
std::string resolveQuery(const GrammarEntry& entry, QueryKind kind, int depth = 0) {
    std::string_view text = rawQuery(entry, kind);
    constexpr std::string_view kInherits = "; inherits:";
    if (depth > 4 || !text.starts_with(kInherits)) return std::string(text);
    const size_t eol = std::min(text.find('\n'), text.size());
    std::string resolved;
    for (const std::string& parent : splitWords(text.substr(kInherits.size(), eol - kInherits.size()), " ,\t\r")) {
        if (const GrammarEntry* p = entryNamed(parent)) {
            resolved += resolveQuery(*p, kind, depth + 1);
            resolved += '\n';
        } else {
            spdlog::error("query {}/{}.scm inherits unknown language '{}'", entry.name, toString(kind), parent);
        }
    }
    resolved += text;
    return resolved;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

} // namespace

const LanguageRegistry& LanguageRegistry::get() {
    static const LanguageRegistry registry;
    return registry;
}

LanguageRegistry::LanguageRegistry() {
    for (const GrammarEntry& entry : grammarTable()) {
        auto language = std::make_unique<Language>();
        language->name_ = entry.name;
        language->grammar_ = entry.language();
        language->languageIds_ = splitWords(entry.languageIds);
        language->extensions_ = splitWords(entry.extensions);
        language->lineComment_ = entry.lineComment;
        for (QueryKind kind : kQueryKinds)
            language->sources_[Language::index(kind)] = resolveQuery(entry, kind);
        languages_.push_back(std::move(language));
    }
}

void Language::compileQueries(const std::atomic<bool>& stop) const {
    for (QueryKind kind : kQueryKinds) {
        if (stop.load(std::memory_order_relaxed)) return;
        query(kind);
    }
}

const Language* LanguageRegistry::forLanguageId(std::string_view languageId) const {
    for (const auto& language : languages_)
        for (const std::string& id : language->languageIds_)
            if (id == languageId) return language.get();
    return nullptr;
}

const Language* LanguageRegistry::byName(std::string_view name) const {
    for (const auto& language : languages_)
        if (language->name_ == name) return language.get();
    return nullptr;
}

const Language* LanguageRegistry::forPath(std::string_view pathOrUri) const {
    pathOrUri = pathOrUri.substr(0, pathOrUri.find_first_of("?#"));
    const size_t slash = pathOrUri.find_last_of('/');
    const std::string_view file = slash == std::string_view::npos ? pathOrUri : pathOrUri.substr(slash + 1);
    const size_t dot = file.find_last_of('.');
    if (dot == std::string_view::npos) return nullptr;
    const std::string extension = lowercase(file.substr(dot));
    for (const auto& language : languages_)
        for (const std::string& known : language->extensions_)
            if (known == extension) return language.get();
    return nullptr;
}

const Language* LanguageRegistry::forDocument(std::string_view languageId, std::string_view uri) const {
    if (const Language* language = forLanguageId(languageId)) return language;
    // An explicit plain-text choice wins over the file name.
    if (languageId == "plaintext") return nullptr;
    return forPath(uri);
}

} // namespace flint
