#pragma once
// One ignore file's patterns (.gitignore syntax; .flintignore uses the same) and the
// matcher behind them. Supported: blank lines and `#` comments, `\` escapes
// (`\#`, `\!`, `\ `), trailing spaces dropped, `!` negation, a trailing `/` for
// directories only, a leading or inner `/` anchoring the pattern to the file's
// directory (otherwise it matches a name at any depth), `*`, `?`, `[a-z]`/`[!a-z]`
// classes, and `**` (leading `**/`, inner `/**/`, trailing `/**`). Pure: the text
// is handed in; paths are '/'-separated and relative to the file's directory.
//
//   IgnoreRules rules = IgnoreRules::parse("build/\n*.log\n!keep.log\n");
//   rules.match("src/app.log", false);   // Verdict::Ignored
//   rules.match("keep.log", false);      // Verdict::Included (negated)
//   rules.match("build", true);          // Verdict::Ignored (a directory)

#include <string>
#include <string_view>
#include <vector>

namespace flint {

class IgnoreRules {
public:
    enum class Verdict { None, Ignored, Included };

    static IgnoreRules parse(std::string_view text);

    // The verdict of the last pattern that matches `relativePath` (no leading '/'):
    // Ignored, Included (a `!` pattern), or None when no pattern matches.
    Verdict match(std::string_view relativePath, bool isDirectory) const;
    bool empty() const { return patterns_.empty(); }
    size_t size() const { return patterns_.size(); }

private:
    struct Pattern {
        std::string glob;
        bool negated = false;
        bool directoryOnly = false;
        bool anchored = false;  // matched against the whole relative path, not a name
    };
    std::vector<Pattern> patterns_;
};

// gitignore's wildmatch: `*` and `?` never match '/', `**` as a whole path component
// matches any number of components (including none), `[...]` classes, `\` escapes.
bool globMatch(std::string_view pattern, std::string_view path);

} // namespace flint
