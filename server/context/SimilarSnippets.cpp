#include "context/SimilarSnippets.h"

#include "workspace/Workspace.h"

#include <algorithm>
#include <bit>

namespace flint {

namespace {

bool isIdentifierStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentifierChar(char c) { return isIdentifierStart(c) || (c >= '0' && c <= '9'); }

uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return h;
}

// Lines that carry nothing: leading and trailing blank lines of a snippet go.
std::string_view trimBlankLines(std::string_view s) {
    while (!s.empty()) {
        const size_t eol = s.find('\n');
        const std::string_view line = s.substr(0, eol);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos || eol == std::string_view::npos) break;
        s.remove_prefix(eol + 1);
    }
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

} // namespace

TokenSet tokenSet(std::string_view text) {
    TokenSet set;
    for (size_t i = 0; i < text.size();) {
        if (!isIdentifierStart(text[i]) || (i > 0 && isIdentifierChar(text[i - 1]))) {
            ++i;
            continue;
        }
        size_t end = i + 1;
        while (end < text.size() && isIdentifierChar(text[end])) ++end;
        if (end - i >= 2) set.hashes.push_back(fnv1a(text.substr(i, end - i)));
        i = end;
    }
    std::sort(set.hashes.begin(), set.hashes.end());
    set.hashes.erase(std::unique(set.hashes.begin(), set.hashes.end()), set.hashes.end());
    for (const uint32_t h : set.hashes) set.signature[(h >> 6) & 3] |= uint64_t{1} << (h & 63);
    return set;
}

double jaccard(const TokenSet& a, const TokenSet& b) {
    if (a.hashes.empty() || b.hashes.empty()) return 0;
    size_t common = 0;
    auto i = a.hashes.begin(), j = b.hashes.begin();
    while (i != a.hashes.end() && j != b.hashes.end()) {
        if (*i < *j) ++i;
        else if (*j < *i) ++j;
        else ++common, ++i, ++j;
    }
    return static_cast<double>(common) / static_cast<double>(a.hashes.size() + b.hashes.size() - common);
}

double estimatedJaccard(const TokenSet& a, const TokenSet& b) {
    int both = 0, either = 0;
    for (size_t k = 0; k < 4; ++k) {
        both += std::popcount(a.signature[k] & b.signature[k]);
        either += std::popcount(a.signature[k] | b.signature[k]);
    }
    return either ? static_cast<double>(both) / either : 0;
}

void SimilarSnippets::touch(const std::string& uri) { touched_[uri] = ++clock_; }

void SimilarSnippets::forget(const std::string& uri) {
    touched_.erase(uri);
    chunks_.erase(uri);
}

std::vector<Snippet> SimilarSnippets::rank(const Workspace& workspace, const std::string& currentUri,
                                           std::string_view window, size_t count,
                                           const std::function<bool(const std::string& uri)>& excluded) {
    std::vector<Snippet> out;
    if (count == 0) return out;
    const TokenSet query = tokenSet(window);
    if (query.hashes.empty()) return out;

    struct Candidate {
        const Document* document;
        const Chunk* chunk;
        double score;
        uint64_t recency;
    };
    // Estimate everywhere, keeping the best few in a heap; measure exactly only those.
    const size_t shortlist = count * 8;
    auto better = [](const Candidate& a, const Candidate& b) {
        return a.score != b.score ? a.score > b.score : a.recency > b.recency;
    };
    std::vector<Candidate> candidates;  // a heap whose front is the worst kept
    candidates.reserve(shortlist + 1);
    // The documents touched most recently.
    std::vector<std::pair<uint64_t, const Document*>> documents;
    workspace.forEachDocument([&](const Document& doc) {
        if (doc.uri() == currentUri || excluded(doc.uri())) return;
        const auto touched = touched_.find(doc.uri());
        documents.emplace_back(touched == touched_.end() ? 0 : touched->second, &doc);
    });
    if (documents.size() > kMaxDocuments) {
        std::nth_element(documents.begin(), documents.begin() + kMaxDocuments, documents.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        documents.resize(kMaxDocuments);
    }
    int both = 0, either = 0;
    for (const auto& [recency, document] : documents) {
        const Document& doc = *document;
        DocumentChunks& cached = chunks_[doc.uri()];
        const Text& text = doc.text();
        if (cached.version != doc.version() || cached.length != text.size()) {
            cached.version = doc.version();
            cached.length = text.size();
            cached.chunks.clear();
            cached.signatures.clear();
            for (uint32_t line = 0; line < text.lineCount(); line += kChunkStride) {
                const uint32_t end = std::min(line + kChunkLines, text.lineCount());
                const uint32_t startByte = text.lineStart(line), endByte = text.lineContentEnd(end - 1);
                TokenSet tokens = tokenSet(std::string_view(text.str()).substr(startByte, endByte - startByte));
                if (!tokens.hashes.empty()) {
                    cached.signatures.push_back(tokens.signature);
                    cached.chunks.push_back({line, end, startByte, endByte, std::move(tokens)});
                }
                if (end == text.lineCount()) break;
            }
        }
        for (size_t i = 0; i < cached.signatures.size(); ++i) {
            const std::array<uint64_t, 4>& sig = cached.signatures[i];
            both = either = 0;
            for (size_t k = 0; k < 4; ++k) {
                both += std::popcount(query.signature[k] & sig[k]);
                either += std::popcount(query.signature[k] | sig[k]);
            }
            Candidate c{&doc, &cached.chunks[i], either ? static_cast<double>(both) / either : 0.0, recency};
            if (candidates.size() < shortlist) {
                candidates.push_back(c);
                std::push_heap(candidates.begin(), candidates.end(), better);
            } else if (better(c, candidates.front())) {
                std::pop_heap(candidates.begin(), candidates.end(), better);
                candidates.back() = c;
                std::push_heap(candidates.begin(), candidates.end(), better);
            }
        }
    }
    for (Candidate& c : candidates) c.score = jaccard(query, c.chunk->tokens);
    std::sort(candidates.begin(), candidates.end(), better);

    std::vector<const Candidate*> taken;
    for (const Candidate& c : candidates) {
        if (taken.size() >= count || c.score < kMinScore) break;
        const bool redundant = std::any_of(taken.begin(), taken.end(), [&](const Candidate* t) {
            const bool overlaps = t->document == c.document && t->chunk->startLine < c.chunk->endLine &&
                                  c.chunk->startLine < t->chunk->endLine;
            return overlaps || jaccard(t->chunk->tokens, c.chunk->tokens) >= kDuplicate;
        });
        if (redundant) continue;
        taken.push_back(&c);
        const std::string_view body = std::string_view(c.document->text().str())
                                          .substr(c.chunk->startByte, c.chunk->endByte - c.chunk->startByte);
        out.push_back({c.document->uri(), c.chunk->startLine, c.chunk->endLine, std::string(trimBlankLines(body)),
                       c.score});
    }
    return out;
}

} // namespace flint
