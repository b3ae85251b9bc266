#include "context/CompletionContext.h"

#include "context/ContextSources.h"
#include "context/Redaction.h"
#include "context/WindowEdges.h"
#include "workspace/Document.h"
#include "workspace/Language.h"
#include "workspace/Workspace.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace flint {

namespace {

std::string trimRight(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

std::string languageOf(const Document& document) {
    return document.syntax() ? std::string(document.syntax()->language().name()) : document.languageId();
}

// Identifiers within kIdentifierLines of the cursor, nearest first: the cursor line
// (outward from the cursor), then the lines above and below it in turn.
constexpr uint32_t kIdentifierLines = 3;
constexpr size_t kMaxIdentifiers = 32;
constexpr size_t kHitsPerIdentifier = 2;
constexpr size_t kMaxSnippets = 4;
constexpr size_t kMaxLookups = 64;  // definitions of one name considered (open documents first)

bool isIdentifierStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentifierChar(char c) { return isIdentifierStart(c) || (c >= '0' && c <= '9'); }

void identifiersIn(std::string_view text, std::vector<std::string_view>& out) {
    for (size_t i = 0; i < text.size();) {
        if (!isIdentifierStart(text[i]) || (i > 0 && isIdentifierChar(text[i - 1]))) {
            ++i;
            continue;
        }
        size_t end = i + 1;
        while (end < text.size() && isIdentifierChar(text[end])) ++end;
        if (end - i >= 2) out.push_back(text.substr(i, end - i));
        i = end;
    }
}

std::vector<std::string_view> identifiersNear(const Text& text, size_t offset,
                                              const std::vector<std::string>& signatures) {
    const std::string_view all = text.str();
    const uint32_t line = text.lineOf(offset);
    std::vector<std::string_view> ordered;
    // The cursor line: the words before the cursor, nearest first, then those after.
    std::vector<std::string_view> before;
    identifiersIn(all.substr(text.lineStart(line), offset - text.lineStart(line)), before);
    ordered.insert(ordered.end(), before.rbegin(), before.rend());
    identifiersIn(all.substr(offset, text.lineContentEnd(line) - std::min<size_t>(offset, text.lineContentEnd(line))),
                  ordered);
    for (uint32_t d = 1; d <= kIdentifierLines; ++d) {
        if (line >= d) identifiersIn(text.lineContent(line - d), ordered);
        if (line + d < text.lineCount()) identifiersIn(text.lineContent(line + d), ordered);
    }
    for (auto it = signatures.rbegin(); it != signatures.rend(); ++it) identifiersIn(*it, ordered);
    std::vector<std::string_view> unique;
    for (std::string_view id : ordered) {
        if (std::find(unique.begin(), unique.end(), id) != unique.end()) continue;
        unique.push_back(id);
        if (unique.size() >= kMaxIdentifiers) break;
    }
    return unique;
}

std::string_view directoryOf(std::string_view path) {
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// One definition chosen for the prompt.
struct Chosen {
    std::string key;        // file key (path or URI)
    std::string signature;
    std::string container;
    uint32_t line = 0;
    bool inCurrent = false;  // from the document being completed
    uint32_t startByte = 0;  // (in the current document)
    size_t tokens = 0;
};

// The first line of the definition enclosing `d` (definitions sorted by start), or empty.
std::string containerLine(const std::vector<Definition>& definitions, const Definition* d, std::string_view text) {
    for (size_t i = static_cast<size_t>(d - definitions.data()), steps = 0; i > 0 && steps < 256; --i, ++steps) {
        const Definition& outer = definitions[i - 1];
        if (outer.startByte <= d->startByte && d->endByte <= outer.endByte && &outer != d) {
            const std::string signature = definitionSignature(text, outer.startByte, outer.endByte);
            return signature.substr(0, signature.find('\n'));
        }
    }
    return {};
}

// How much of a construct at a window's edge may be left out so that the window does
// not cut it (see WindowEdges.h): half the window's share, at most 1 KiB (~30 lines).
// Fixed per request, so a smaller budget never gives a larger window.
constexpr size_t kMaxDropBytes = 1024;
size_t maxDropFor(size_t windowBytes) { return std::min(kMaxDropBytes, windowBytes / 2); }

// Whole lines back from `start` (a line start) while the window stays within `maxBytes`.
size_t extendBack(const Text& text, size_t offset, size_t start, size_t maxBytes) {
    for (uint32_t l = text.lineOf(start); l > 0; --l) {
        const size_t earlier = text.lineStart(l - 1);
        if (offset - earlier > maxBytes) break;
        start = earlier;
    }
    return start;
}

// The prompt text of each file's chosen definitions: in line order, each member
// under the first line of what encloses it.
std::vector<ContextItem> groupDefinitions(std::vector<Chosen> chosen, const ContextSources& sources) {
    std::vector<ContextItem> items;
    std::vector<std::string> order;
    for (const Chosen& c : chosen)
        if (std::find(order.begin(), order.end(), c.key) == order.end()) order.push_back(c.key);
    for (const std::string& key : order) {
        std::vector<const Chosen*> inFile;
        for (const Chosen& c : chosen)
            if (c.key == key) inFile.push_back(&c);
        std::stable_sort(inFile.begin(), inFile.end(), [](const Chosen* a, const Chosen* b) { return a->line < b->line; });
        ContextItem item{sources.displayPath(key), {}};
        std::string lastContainer;
        for (const Chosen* c : inFile) {
            if (!c->container.empty() && c->container != lastContainer &&
                std::none_of(inFile.begin(), inFile.end(), [&](const Chosen* o) {
                    return o->signature.substr(0, o->signature.find('\n')) == c->container;
                }))
                item.text += c->container + "\n";
            lastContainer = c->container;
            item.text += c->signature + "\n";
        }
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace

CompletionContext buildCompletionContext(Document& document, size_t offset, const ContextBudget& budget) {
    const Text& text = document.text();
    const std::string_view all = text.str();
    offset = std::min(offset, all.size());
    CompletionContext c;
    c.path = document.uri();
    c.language = languageOf(document);
    c.relativePath = document.uri();
    if (document.language()) c.lineComment = std::string(document.language()->lineComment());

    const uint32_t line = text.lineOf(offset);
    c.linePrefix = all.substr(text.lineStart(line), offset - text.lineStart(line));
    c.lineSuffix = all.substr(offset, text.lineContentEnd(line) - std::min<size_t>(offset, text.lineContentEnd(line)));

    // Whole lines only: the window starts at a line start and ends at a line end, and
    // (with a tree) cuts no construct it need not cut.
    const SyntaxTree* tree = document.parsedSyntax();
    size_t prefixStart = extendBack(text, offset, text.lineStart(line), budget.prefixBytes);
    if (tree && budget.syntaxEdges)
        prefixStart = syntaxPrefixStart(*tree, text, offset, prefixStart, maxDropFor(budget.prefixBytes));
    c.prefix = all.substr(prefixStart, offset - prefixStart);
    size_t suffixEnd = text.lineContentEnd(line);
    for (uint32_t l = line + 1; l < text.lineCount(); ++l) {
        const size_t end = text.lineContentEnd(l);
        if (end - offset > budget.suffixBytes) break;
        suffixEnd = end;
    }
    suffixEnd = std::max(suffixEnd, offset);
    if (tree && budget.syntaxEdges)
        suffixEnd = syntaxSuffixEnd(*tree, text, offset, suffixEnd, maxDropFor(budget.suffixBytes));
    c.suffix = all.substr(offset, suffixEnd - offset);

    if (tree) {
        for (const Scope& scope : tree->scopesAt(static_cast<uint32_t>(offset), all)) {
            const std::string_view body = all.substr(scope.startByte, scope.endByte - scope.startByte);
            c.scopeSignatures.push_back(trimRight(body.substr(0, body.find('\n'))));
        }
        // Imports above the window: those inside it are already seen.
        for (const ByteSpan& span : document.headImports()) {
            if (span.startByte >= prefixStart) continue;
            if (c.imports.size() >= budget.importLines) break;
            c.imports.push_back(trimRight(all.substr(span.startByte, span.endByte - span.startByte)));
        }
    }
    return c;
}

CompletionContext buildCompletionContext(Workspace& workspace, Document& document, size_t offset,
                                         ContextSources& sources) {
    return buildCompletionContext(workspace, document, offset, sources,
                                  TokenBudget::forTotal(sources.settings.promptTokens()));
}

CompletionContext buildCompletionContext(Workspace& workspace, Document& document, size_t offset,
                                         ContextSources& sources, const TokenBudget& budget) {
    const SyntaxTree* tree = document.parsedSyntax();
    const Text& text = document.text();
    const std::string_view all = text.str();
    offset = std::min(offset, all.size());
    CompletionContext c;
    c.path = document.uri();
    c.language = languageOf(document);
    c.relativePath = sources.displayPath(document.uri());
    c.repository = sources.repositoryOf(document.uri());
    if (document.language()) c.lineComment = std::string(document.language()->lineComment());
    size_t remaining = budget.total;
    auto spend = [&](size_t tokens) { remaining -= std::min(remaining, tokens); };
    // Once a section loses content to the whole budget (not to its own share), the
    // sections below it get nothing: that is what the priority order means.
    bool starved = false;
    auto share = [&](size_t section, bool& limited) {
        limited = section > remaining;
        return std::min(section, remaining);
    };
    bool limited = false;

    // The window's edges cut no construct they need not cut (WindowEdges.h).
    const size_t prefixDrop = maxDropFor(bytesForTokens(budget.nearPrefix));
    auto alignPrefix = [&](size_t start) {
        return tree ? syntaxPrefixStart(*tree, text, offset, start, prefixDrop) : start;
    };

    // 1. The prefix near the cursor: whole lines; the cursor line's start at least
    //    (cut from the left only when that alone is over the whole budget).
    const uint32_t line = text.lineOf(offset);
    size_t prefixStart = text.lineStart(line);
    if (offset - prefixStart > bytesForTokens(budget.total)) {
        prefixStart = offset - bytesForTokens(budget.total);
        while (prefixStart < offset && (static_cast<unsigned char>(all[prefixStart]) & 0xC0) == 0x80) ++prefixStart;
        starved = true;
    } else {
        const size_t nearShare = share(budget.nearPrefix, limited);
        prefixStart = extendBack(text, offset, prefixStart, bytesForTokens(nearShare));
        starved = limited && prefixStart > 0;
        prefixStart = alignPrefix(prefixStart);
    }
    spend(approxTokens(offset - prefixStart));

    // 2. The suffix: the rest of the cursor line (always), then whole lines below.
    size_t suffixEnd = std::min<size_t>(text.lineContentEnd(line), offset + bytesForTokens(remaining));
    suffixEnd = std::max(suffixEnd, offset);
    if (!starved) {
        const size_t suffixBytes = bytesForTokens(share(budget.suffix, limited));
        uint32_t l = line + 1;
        for (; l < text.lineCount() && suffixEnd == text.lineContentEnd(l - 1); ++l) {
            const size_t end = text.lineContentEnd(l);
            if (end - offset > suffixBytes) break;
            suffixEnd = end;
        }
        starved = limited && l < text.lineCount();
        if (tree)
            suffixEnd = syntaxSuffixEnd(*tree, text, offset, suffixEnd, maxDropFor(bytesForTokens(budget.suffix)));
    }
    spend(approxTokens(suffixEnd - offset));

    // 3. The enclosing scopes' signatures, innermost kept first.
    // Probed at the last character before the cursor (past trailing blanks): after
    // "return " or "return self.size" the cursor is past the end of the statement's
    // node, and of its function's, yet the user is writing that function.
    size_t probe = offset;
    while (probe > text.lineStart(line) && (all[probe - 1] == ' ' || all[probe - 1] == '\t')) --probe;
    if (probe > text.lineStart(line)) --probe;
    std::vector<Scope> scopes;
    if (tree) scopes = tree->scopesAt(static_cast<uint32_t>(probe), all);
    if (!starved) {
        const size_t sectionShare = share(budget.signatures, limited);
        size_t used = 0;
        std::vector<std::string> kept;
        for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
            const std::string_view body = all.substr(it->startByte, it->endByte - it->startByte);
            std::string signature = trimRight(body.substr(0, body.find('\n')));
            const size_t cost = approxTokens(signature) + 1;
            if (used + cost > sectionShare) {
                starved = limited;
                break;
            }
            used += cost;
            kept.push_back(std::move(signature));
        }
        c.scopeSignatures.assign(kept.rbegin(), kept.rend());
        spend(used);
    }

    // 4. Imports above the window.
    std::vector<std::pair<ByteSpan, size_t>> imports;  // span, tokens
    if (tree && !starved) {
        const size_t sectionShare = share(budget.imports, limited);
        size_t used = 0;
        for (const ByteSpan& span : document.headImports()) {
            if (span.startByte >= prefixStart) continue;
            const size_t cost = approxTokens(span.endByte - span.startByte) + 1;
            if (used + cost > sectionShare) {
                starved = limited;
                break;
            }
            used += cost;
            imports.emplace_back(span, cost);
        }
        spend(used);
    }

    // 5. Definitions of the identifiers near the cursor.
    const std::string currentKey = fileKey(document.uri());
    std::vector<Chosen> chosen;
    if (sources.settings.definitions && !starved && remaining > 0) {
        const size_t sectionShare = share(budget.definitions, limited);
        size_t used = 0;
        bool dropped = false;
        workspace.forEachDocument([&](Document& other) {
            if (&other != &document && !sources.excludes(other.uri())) sources.symbols.syncDocument(other);
        });
        const std::vector<std::string_view> identifiers = identifiersNear(text, offset, c.scopeSignatures);
        // This document's own definitions, away from the window, by name: the nearest
        // few of each (a name may be defined a thousand times in a big file). Typing
        // happens in the window, which is read from the text: the definitions are not
        // re-read on a keystroke (see Document::definitionsAwayFrom).
        const std::vector<Definition>& mine =
            document.definitionsAwayFrom(static_cast<uint32_t>(prefixStart), static_cast<uint32_t>(suffixEnd));
        ContextSources::DefinitionNames& names = sources.currentNames;
        if (names.generation != document.definitionsGeneration()) {
            names.generation = document.definitionsGeneration();
            names.byName.clear();
            for (uint32_t i = 0; i < mine.size(); ++i) names.byName[mine[i].name].push_back(i);
        }
        std::unordered_map<std::string_view, std::vector<const Definition*>> local;
        for (std::string_view id : identifiers) {
            auto found = names.byName.find(id);
            if (found == names.byName.end()) continue;
            // The indices are in document order: start at the cursor, walk outwards.
            const std::vector<uint32_t>& at = found->second;
            auto usable = [&](const Definition& d) {
                return !(d.startByte <= offset && offset <= d.endByte) &&          // encloses the cursor: a scope
                       !(d.startByte >= prefixStart && d.startByte < suffixEnd);  // in the window
            };
            size_t right = static_cast<size_t>(std::lower_bound(at.begin(), at.end(), offset, [&](uint32_t i, size_t o) {
                                                   return mine[i].startByte < o;
                                               }) - at.begin());
            size_t left = right;  // at[left - 1] is the next candidate before the cursor
            std::vector<const Definition*> nearest;
            while (nearest.size() < kHitsPerIdentifier && (left > 0 || right < at.size())) {
                const Definition* before = left > 0 ? &mine[at[left - 1]] : nullptr;
                const Definition* after = right < at.size() ? &mine[at[right]] : nullptr;
                const bool takeBefore = before && (!after || offset - before->startByte <= after->startByte - offset);
                const Definition* d = takeBefore ? before : after;
                takeBefore ? --left : ++right;
                if (usable(*d)) nearest.push_back(d);
            }
            if (!nearest.empty()) local[id] = std::move(nearest);
        }
        std::vector<std::string> seen;  // key + line
        std::vector<std::string> keysSoFar;
        const std::string_view currentDirectory = directoryOf(currentKey);
        for (std::string_view name : identifiers) {
            std::vector<Chosen> hits;
            if (auto it = local.find(name); it != local.end())
                for (const Definition* d : it->second)
                    hits.push_back({currentKey, definitionSignature(all, d->startByte, d->endByte),
                                    containerLine(mine, d, all), text.lineOf(d->startByte), true, d->startByte, 0});
            std::vector<SymbolIndex::Hit> found = sources.symbols.lookup(name, currentKey, kMaxLookups);
            // Open documents first (lookup's order), then the cursor's directory.
            std::stable_partition(found.begin(), found.end(), [&](const SymbolIndex::Hit& h) {
                return h.open || directoryOf(*h.key) == currentDirectory;
            });
            for (const SymbolIndex::Hit& hit : found) {
                if (hits.size() >= kHitsPerIdentifier * 2) break;
                if (sources.excludes(*hit.key)) continue;
                hits.push_back({*hit.key, hit.symbol->signature, hit.symbol->container, hit.symbol->line, false, 0, 0});
            }
            size_t taken = 0;
            for (Chosen& hit : hits) {
                if (taken >= kHitsPerIdentifier) break;
                std::string id = hit.key + ":" + std::to_string(hit.line);
                if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
                const bool newFile = std::find(keysSoFar.begin(), keysSoFar.end(), hit.key) == keysSoFar.end();
                hit.tokens = approxTokens(hit.signature) + approxTokens(hit.container) + 1 +
                             (newFile ? approxTokens(sources.displayPath(hit.key)) + 4 : 0);
                if (used + hit.tokens > sectionShare) {
                    dropped = true;
                    continue;
                }
                used += hit.tokens;
                seen.push_back(std::move(id));
                if (newFile) keysSoFar.push_back(hit.key);
                chosen.push_back(std::move(hit));
                ++taken;
            }
        }
        starved = limited && dropped;
        spend(used);
    }

    // 6. Snippets from other open documents like the code at the cursor.
    if (sources.settings.snippets && !starved && remaining > 0) {
        const size_t sectionShare = share(budget.snippets, limited);
        size_t used = 0;
        bool dropped = false;
        const size_t windowStart = text.lineStart(line > 12 ? line - 12 : 0);
        const size_t windowEnd = text.lineContentEnd(std::min(line + 4, text.lineCount() - 1));
        const std::vector<Snippet> found =
            sources.snippets.rank(workspace, document.uri(), all.substr(windowStart, windowEnd - windowStart),
                                  kMaxSnippets, [&](const std::string& uri) { return sources.excludes(uri); });
        for (const Snippet& s : found) {
            ContextItem item{sources.displayPath(s.uri), s.text};
            const size_t cost = approxTokens(item.text) + approxTokens(item.path) + 4;
            if (used + cost > sectionShare) {
                dropped = true;
                continue;
            }
            used += cost;
            c.snippets.push_back(std::move(item));
        }
        starved = limited && dropped;
        spend(used);
    }

    // 7. The far prefix: what is left extends the window up. Imports and this file's
    //    definitions that the window now shows give their tokens back, once.
    for (int pass = 0; pass < 2 && !starved && remaining > 0; ++pass) {
        prefixStart = alignPrefix(
            extendBack(text, offset, prefixStart, offset - prefixStart + bytesForTokens(remaining)));
        remaining = budget.total - std::min(budget.total, approxTokens(offset - prefixStart) +
                                                              approxTokens(suffixEnd - offset));
        size_t others = 0;
        std::erase_if(imports, [&](const auto& i) { return i.first.startByte >= prefixStart; });
        std::erase_if(chosen, [&](const Chosen& d) {
            return d.inCurrent && d.startByte >= prefixStart && d.startByte < suffixEnd;
        });
        for (const std::string& s : c.scopeSignatures) others += approxTokens(s) + 1;
        for (const auto& i : imports) others += i.second;
        for (const Chosen& d : chosen) others += d.tokens;
        for (const ContextItem& s : c.snippets) others += approxTokens(s.text) + approxTokens(s.path) + 4;
        remaining -= std::min(remaining, others);
    }

    c.prefix = all.substr(prefixStart, offset - prefixStart);
    c.suffix = all.substr(offset, suffixEnd - offset);
    for (const auto& [span, cost] : imports)
        c.imports.push_back(trimRight(all.substr(span.startByte, span.endByte - span.startByte)));
    c.definitions = groupDefinitions(std::move(chosen), sources);

    // Nothing secret leaves: every text is redacted, the window as one piece.
    c.redactions += redactSecrets(c.prefix, c.suffix);
    for (std::string& s : c.scopeSignatures) c.redactions += redactSecrets(s);
    for (std::string& s : c.imports) c.redactions += redactSecrets(s);
    for (ContextItem& item : c.definitions) c.redactions += redactSecrets(item.text);
    for (ContextItem& item : c.snippets) c.redactions += redactSecrets(item.text);
    const size_t lineBreak = c.prefix.rfind('\n');
    c.linePrefix = lineBreak == std::string::npos ? c.prefix : c.prefix.substr(lineBreak + 1);
    c.lineSuffix = c.suffix.substr(0, c.suffix.find('\n'));

    c.tokens = approxTokens(c.prefix) + approxTokens(c.suffix);
    for (const std::string& s : c.scopeSignatures) c.tokens += approxTokens(s) + 1;
    for (const std::string& s : c.imports) c.tokens += approxTokens(s) + 1;
    for (const ContextItem& item : c.definitions) c.tokens += approxTokens(item.text) + approxTokens(item.path) + 4;
    for (const ContextItem& item : c.snippets) c.tokens += approxTokens(item.text) + approxTokens(item.path) + 4;
    return c;
}

} // namespace flint
