#pragma once
// The workspace folders' files, read off the event loop. A background thread (at
// low CPU priority) walks the folders breadth first, reading each directory's
// .gitignore and .flintignore before its entries and skipping whatever they, the
// settings' patterns or the secret-file names exclude; it reads the source files
// Flint has a definitions query for (within a count and a size limit; binary and
// minified files skipped), parses them, extracts their symbols, and hands the results
// back in small batches through `deliver`, which the owner posts to its event loop
// (so the loop only ever merges a few files at a time). Single files are re-read on
// request (a watched file changed, a document closed with unsaved edits).
//
// This is workspace/'s one I/O edge: nothing else in workspace/ or context/ reads
// files. It never writes any.
//
//   WorkspaceFiles files([&](WorkspaceFiles::Batch batch) { post([batch] { merge(batch); }); });
//   files.scan({"/repo"}, {}, "");          // a full scan; a later call restarts it
//   files.refresh({"/repo/util.py"});      // after workspace/didChangeWatchedFiles

#include "workspace/Exclusions.h"
#include "workspace/SymbolIndex.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace flint {

class WorkspaceFiles {
public:
    struct Limits {
        size_t maxFiles = 5000;           // source files indexed, in all
        size_t maxFileBytes = 512 * 1024; // larger files are skipped
        size_t maxDepth = 32;
    };
    struct IgnoreFileText {
        std::string directory;
        Exclusions::IgnoreFile which;
        std::string text;
    };
    struct FileSymbols {
        std::string path;
        std::vector<Symbol> symbols;
    };
    struct Batch {
        uint64_t scan = 0;                        // the scan this came from (0: a refresh)
        std::vector<std::string> loadedDirectories;  // their ignore files are all in `ignoreFiles`
        std::vector<IgnoreFileText> ignoreFiles;
        std::vector<FileSymbols> files;
        std::vector<std::string> gone;            // refreshed paths that are gone or excluded now
        bool finished = false;                    // the last batch of a full scan
        bool truncated = false;                   // the scan stopped at Limits::maxFiles
        size_t filesSoFar = 0;
    };
    // Called on the scanner thread.
    using Deliver = std::function<void(Batch)>;

    explicit WorkspaceFiles(Deliver deliver);
    ~WorkspaceFiles();
    WorkspaceFiles(const WorkspaceFiles&) = delete;
    WorkspaceFiles& operator=(const WorkspaceFiles&) = delete;

    // Starts a full scan of `roots` (absolute paths), abandoning one in progress.
    // `extraPatterns`: gitignore-syntax lines applied at each root. Returns its number.
    uint64_t scan(std::vector<std::string> roots, Limits limits, std::string extraPatterns);
    // Re-reads these files (after the current scan's pending batch).
    void refresh(std::vector<std::string> paths);

    // Reads `directory`'s .gitignore and .flintignore now (a few hundred bytes, for a
    // document opened before the scan reached its folder). Empty texts are omitted.
    static std::vector<IgnoreFileText> readIgnoreFiles(const std::string& directory);
    // Reads and indexes one file; nothing when it is unreadable, too large, binary or
    // of a language without definitions, or once `abandon` is set (its parse stops then).
    static std::optional<std::vector<Symbol>> indexFile(const std::string& path, size_t maxBytes,
                                                        const std::atomic<bool>& abandon);

private:
    struct Job {
        uint64_t scan = 0;  // 0: a refresh
        std::vector<std::string> paths;
        Limits limits;
        std::string extraPatterns;
    };
    void run();
    void fullScan(const Job& job);
    void refreshFiles(const Job& job);
    bool superseded(uint64_t scan);

    Deliver deliver_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    uint64_t latestScan_ = 0;
    bool stopping_ = false;
    // Set with stopping_: read without the lock inside a file's parse, which it ends, so the
    // server's exit never waits for a low-priority parse of a large file.
    std::atomic<bool> abandon_{false};
    // The scanner thread's own view of the ignore rules (rebuilt by each full scan).
    Exclusions exclusions_;
    Limits limits_;
    std::thread thread_;
};

} // namespace flint
