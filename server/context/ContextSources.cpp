#include "context/ContextSources.h"

#include "workspace/FileUri.h"

namespace flint {

namespace {

// A file:// URI's path, or an index key that already is a path.
std::optional<std::string> pathOf(std::string_view uriOrPath) {
    if (!uriOrPath.empty() && uriOrPath.front() == '/') return std::string(uriOrPath);
    return pathFromFileUri(uriOrPath);
}

} // namespace

bool ContextSources::excludes(std::string_view uri) const {
    auto cached = verdicts_.find(uri);
    if (cached != verdicts_.end() && cached->second.first == exclusions.generation()) return cached->second.second;
    bool excluded;
    if (auto path = pathOf(uri)) {
        excluded = exclusions.excludes(*path);
    } else {
        // untitled:, vscode-notebook-cell:, ...: judged by the name, if it has one.
        const size_t colon = uri.find(':');
        excluded = isSecretFile(colon == std::string_view::npos ? uri : uri.substr(colon + 1));
    }
    if (verdicts_.size() > 4096) verdicts_.clear();
    verdicts_[std::string(uri)] = {exclusions.generation(), excluded};
    return excluded;
}

bool ContextSources::matches(const IgnoreRules& rules, std::string_view uri) const {
    if (auto path = pathOf(uri)) return exclusions.matchesFromRoot(rules, *path);
    const size_t colon = uri.find(':');
    std::string_view name = colon == std::string_view::npos ? uri : uri.substr(colon + 1);
    if (const size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
    return rules.match(name, false) == IgnoreRules::Verdict::Ignored;
}

std::string ContextSources::displayPath(std::string_view uri) const {
    auto path = pathOf(uri);
    if (!path) return std::string(uri);
    const std::string_view root = exclusions.rootOf(*path);
    return std::string(root.empty() ? std::string_view(*path) : relativePath(*path, root));
}

std::string ContextSources::repositoryOf(std::string_view uri) const {
    auto path = pathOf(uri);
    if (!path) return {};
    std::string_view root = exclusions.rootOf(*path);
    const size_t slash = root.rfind('/');
    return std::string(slash == std::string_view::npos ? root : root.substr(slash + 1));
}

} // namespace flint
