#pragma once
// Code in the other open documents that looks like the code at the cursor. Each
// document is cut into overlapping chunks of whole lines (16 lines every 8), each
// chunk reduced to the set of its identifier tokens; chunks are ranked by Jaccard
// similarity (|A ∩ B| / |A ∪ B|) with the tokens of the window around the cursor,
// first approximately (256-bit signatures, a few instructions per chunk) and then
// exactly for the best few. Overlapping chunks of one document and near-duplicates
// (similarity ≥ 0.9 with a chunk already taken) are dropped. The 24 documents
// touched (opened or edited) most recently are searched. A document's chunks are
// computed once per version and cached. Pure: documents come from the Workspace.
//
//   SimilarSnippets snippets;
//   snippets.touch(uri);                           // opened or edited: most recent first
//   auto found = snippets.rank(workspace, currentUri, window, 3, excluded);

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flint {

class Workspace;

// The identifier tokens of a text ([A-Za-z_][A-Za-z0-9_]*, two characters or more),
// hashed, sorted and unique, with a 256-bit signature for quick estimates.
struct TokenSet {
    std::vector<uint32_t> hashes;
    std::array<uint64_t, 4> signature{};
};
TokenSet tokenSet(std::string_view text);
double jaccard(const TokenSet& a, const TokenSet& b);
// From the signatures alone: cheap, approximate (hash collisions only raise it).
double estimatedJaccard(const TokenSet& a, const TokenSet& b);

struct Snippet {
    std::string uri;
    uint32_t startLine = 0;  // 0-based, inclusive
    uint32_t endLine = 0;    // exclusive
    std::string text;
    double score = 0;
};

class SimilarSnippets {
public:
    static constexpr uint32_t kChunkLines = 16;
    static constexpr uint32_t kChunkStride = 8;
    static constexpr double kMinScore = 0.1;
    static constexpr double kDuplicate = 0.9;
    static constexpr size_t kMaxDocuments = 24;

    // The document was opened or edited (recency breaks ties).
    void touch(const std::string& uri);
    void forget(const std::string& uri);

    // The best `count` chunks of the open documents other than `currentUri` (and
    // those `excluded` names), by similarity to `window`, best first.
    std::vector<Snippet> rank(const Workspace& workspace, const std::string& currentUri, std::string_view window,
                              size_t count, const std::function<bool(const std::string& uri)>& excluded);

private:
    struct Chunk {
        uint32_t startLine, endLine;
        uint32_t startByte, endByte;
        TokenSet tokens;
    };
    struct DocumentChunks {
        int64_t version = -1;
        size_t length = 0;
        std::vector<Chunk> chunks;
        std::vector<std::array<uint64_t, 4>> signatures;  // the chunks', side by side for the scan
    };
    std::unordered_map<std::string, DocumentChunks> chunks_;
    std::unordered_map<std::string, uint64_t> touched_;  // uri → recency stamp
    uint64_t clock_ = 0;
};

} // namespace flint
