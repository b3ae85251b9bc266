#pragma once
// Which files must never reach a model: known secret files (by name, wherever they
// are, whatever any ignore file says) and, under the workspace folders, whatever the
// .gitignore and .flintignore files exclude (nested files: a deeper one overrides a
// shallower one, .flintignore overrides .gitignore in the same directory; nothing
// inside an excluded directory can be re-included, as in git), plus the patterns of
// the `flint.context.exclude` setting, read as a .flintignore at each folder's root.
// `.git` directories are always excluded.
//
// Pure: the ignore files' texts are handed in (workspace/WorkspaceFiles reads them);
// paths are absolute, '/'-separated. The scanner and the context builder both ask it.
//
//   Exclusions ex;
//   ex.setRoots({"/repo"});
//   ex.setIgnoreFile("/repo", Exclusions::IgnoreFile::Git, "build/\n*.log\n");
//   ex.check("/repo/build/gen.py");   // Reason::Ignored
//   ex.check("/repo/app/.env.local"); // Reason::SecretFile
//   ex.check("/repo/app/main.py");    // Reason::None

#include "workspace/IgnoreRules.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

class Exclusions {
public:
    enum class Reason { None, SecretFile, Ignored };
    enum class IgnoreFile { Git, Flint };  // .gitignore, .flintignore
    static constexpr std::string_view kGitIgnore = ".gitignore";
    static constexpr std::string_view kFlintIgnore = ".flintignore";

    // The workspace folders (absolute paths). Ignore files apply only under them.
    void setRoots(std::vector<std::string> roots);
    const std::vector<std::string>& roots() const { return roots_; }
    // The root folder `path` is in (the deepest, if folders nest), or empty.
    std::string_view rootOf(std::string_view path) const;

    // The rules of one ignore file in `directory`; empty text removes them.
    void setIgnoreFile(const std::string& directory, IgnoreFile which, std::string_view text);
    // Patterns from the settings (gitignore syntax, one per line), as if in a
    // .flintignore at each root read after the root's own files.
    void setExtraPatterns(std::string_view text);
    // Whether `directory`'s ignore files were read (whether or not it has any).
    void markLoaded(const std::string& directory);
    bool loaded(std::string_view directory) const;
    // Forgets every ignore file (before a full rescan); roots and extra patterns stay.
    void clearIgnoreFiles();

    Reason check(std::string_view path, bool isDirectory = false) const;
    // Whether `rules` exclude `path` when read as if from an ignore file at the root of
    // the workspace folder holding it (the filesystem root for a path outside every
    // folder): an excluded directory excludes everything inside it. The rules of a
    // setting that names paths (`nextEdit.disabledGlobs`) are matched this way, as
    // `context.exclude`'s are within check().
    bool matchesFromRoot(const IgnoreRules& rules, std::string_view path) const;
    bool excludes(std::string_view path, bool isDirectory = false) const {
        return check(path, isDirectory) != Reason::None;
    }
    // Changes whenever the rules change: caches of verdicts compare it.
    uint64_t generation() const { return generation_; }

private:
    struct DirectoryRules {
        IgnoreRules git;
        IgnoreRules flint;
    };
    std::vector<std::string> roots_;
    std::map<std::string, DirectoryRules, std::less<>> byDirectory_;
    std::map<std::string, bool, std::less<>> loaded_;
    IgnoreRules extra_;
    uint64_t generation_ = 1;
};

// Secret files by name (.env*, private keys, certificates, credential stores): the
// patterns (gitignore syntax) and the test. Applies to any path.
std::span<const std::string_view> secretFilePatterns();
bool isSecretFile(std::string_view path);

} // namespace flint
