#pragma once
// The workspace symbol index: every definition (by the languages' definitions
// queries) in the open documents and in the workspace folders' files, by name, with
// the definition's signature (its first lines, never its body) and the first line
// of what encloses it. Files on disk come in whole from the workspace scanner
// (workspace/WorkspaceFiles); open documents are brought up to date lazily, when
// their definitions changed since the index last looked (Document keeps them current
// incrementally). An open document shadows the same file on disk. Pure: no I/O.
//
//   SymbolIndex index;
//   index.setFile("/repo/util.py", symbolsOf(tree.definitions(text), text));
//   index.syncDocument(doc);
//   for (const SymbolIndex::Hit& hit : index.lookup("shout", /*except=*/"")) ...

#include "workspace/SyntaxTree.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flint {

class Document;
class Text;

struct Symbol {
    std::string name;
    std::string kind;       // "function", "class", "method", ...
    std::string signature;  // the definition's first line(s), indentation kept
    std::string container;  // the first line of the enclosing definition, or empty
    uint32_t line = 0;      // where the definition starts (0-based)
};

// Index entries for a file's definitions (sorted as Document::definitions() is).
std::vector<Symbol> symbolsOf(std::span<const Definition> definitions, const Text& text);
// The signature of a definition starting at `startByte`: from the start of its line,
// whole lines until the brackets opened on them close, at most 4 lines / 240 bytes.
std::string definitionSignature(std::string_view text, uint32_t startByte, uint32_t endByte);
// The key files are known by: the path of a file:// URI, else the URI itself.
std::string fileKey(std::string_view uri);

class SymbolIndex {
public:
    struct Hit {
        const std::string* key;  // the file's path (or URI)
        const Symbol* symbol;
        bool open;               // from an open document
    };

    // A file read from disk: its symbols replace any earlier ones.
    void setFile(const std::string& key, std::vector<Symbol> symbols);
    void removeFile(const std::string& key);
    // Drops the disk files for which `drop(key)` is true (after the exclusions changed).
    void removeFilesIf(const std::function<bool(const std::string& key)>& drop);
    void clearFiles();

    // An open document: re-read when its definitions changed since the last sync.
    void syncDocument(Document& document);
    void forgetDocument(const std::string& uri);

    // Definitions named `name`, open documents first, at most `limit`; a disk file
    // shadowed by an open document is skipped, and so is the file `exceptKey` (the
    // document being completed: its own definitions are read from it directly).
    std::vector<Hit> lookup(std::string_view name, std::string_view exceptKey = {}, size_t limit = SIZE_MAX) const;

    size_t fileCount() const { return files_.size(); }
    size_t documentCount() const { return documents_.size(); }
    size_t symbolCount() const { return symbols_; }

private:
    struct Slot {
        std::string key;
        bool open = false;
        uint64_t generation = 0;
        int64_t version = -1;  // the open document's, when last synced
        std::vector<Symbol> symbols;
    };
    struct Ref {
        uint32_t slot;
        uint32_t index;
    };
    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    uint32_t allocate(std::string key, bool open);
    void fill(uint32_t slot, std::vector<Symbol> symbols);
    void release(uint32_t slot);
    void unlinkNames(uint32_t slot);

    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
    std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> files_;      // disk
    std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> documents_;  // open, by key
    std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> documentUris_;  // open, by URI
    // By name, open documents apart: a lookup reads all of those, and of the (maybe
    // thousands of) disk files' only as many as it needs.
    std::unordered_map<std::string, std::vector<Ref>, NameHash, std::equal_to<>> openNames_;
    std::unordered_map<std::string, std::vector<Ref>, NameHash, std::equal_to<>> fileNames_;
    size_t symbols_ = 0;
};

} // namespace flint
