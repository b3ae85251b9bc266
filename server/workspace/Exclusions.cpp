#include "workspace/Exclusions.h"

#include <algorithm>
#include <array>

namespace flint {

namespace {

// Files that hold secrets by their nature. Source files that merely have a telling
// name (credentials.py, secrets.ts) are not here: they are code, and redaction
// covers a literal key inside them.
constexpr std::array<std::string_view, 44> kSecretFilePatterns = {
    ".env", ".env.*", "*.env", ".envrc",
    "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "*.crt", "*.cer",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
    ".npmrc", ".pypirc", ".netrc", "_netrc", ".pgpass", ".git-credentials", ".htpasswd",
    "credentials", "credentials.json", "credentials.yml", "credentials.yaml", "credentials.xml",
    "credentials.ini", "credentials.toml", "secrets.json", "secrets.yml", "secrets.yaml", "secrets.toml",
    "*.tfvars", "*.tfstate", "*.tfstate.*", "*.kdbx", "service-account*.json",
    "**/.ssh/**", "**/.aws/**", "**/.docker/config.json", "**/.kube/config",
};

const IgnoreRules& secretRules() {
    static const IgnoreRules rules = [] {
        std::string text;
        for (std::string_view p : kSecretFilePatterns) (text += p) += '\n';
        return IgnoreRules::parse(text);
    }();
    return rules;
}

// "/a/b" is under "/a" (and is "/a"); "/ab" is not.
bool isUnder(std::string_view path, std::string_view directory) {
    if (directory == "/") return !path.empty() && path.front() == '/';
    return path.size() >= directory.size() && path.compare(0, directory.size(), directory) == 0 &&
           (path.size() == directory.size() || path[directory.size()] == '/');
}

std::string_view withoutTrailingSlash(std::string_view s) {
    while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
    return s;
}

} // namespace

std::span<const std::string_view> secretFilePatterns() { return kSecretFilePatterns; }

bool isSecretFile(std::string_view path) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return secretRules().match(path, false) == IgnoreRules::Verdict::Ignored;
}

void Exclusions::setRoots(std::vector<std::string> roots) {
    for (std::string& root : roots) root = std::string(withoutTrailingSlash(root));
    roots_ = std::move(roots);
    ++generation_;
}

std::string_view Exclusions::rootOf(std::string_view path) const {
    std::string_view best;
    for (const std::string& root : roots_)
        if (isUnder(path, root) && root.size() > best.size()) best = root;
    return best;
}

void Exclusions::setIgnoreFile(const std::string& directory, IgnoreFile which, std::string_view text) {
    const std::string key(withoutTrailingSlash(directory));
    DirectoryRules& rules = byDirectory_[key];
    (which == IgnoreFile::Git ? rules.git : rules.flint) = IgnoreRules::parse(text);
    if (rules.git.empty() && rules.flint.empty()) byDirectory_.erase(key);
    ++generation_;
}

void Exclusions::setExtraPatterns(std::string_view text) {
    extra_ = IgnoreRules::parse(text);
    ++generation_;
}

void Exclusions::markLoaded(const std::string& directory) { loaded_[std::string(withoutTrailingSlash(directory))] = true; }

bool Exclusions::loaded(std::string_view directory) const {
    return loaded_.find(withoutTrailingSlash(directory)) != loaded_.end();
}

void Exclusions::clearIgnoreFiles() {
    byDirectory_.clear();
    loaded_.clear();
    ++generation_;
}

bool Exclusions::matchesFromRoot(const IgnoreRules& rules, std::string_view path) const {
    path = withoutTrailingSlash(path);
    if (rules.empty() || path.empty() || path.front() != '/') return false;
    std::string_view root = rootOf(path);
    if (root.empty()) root = "/";
    if (path.size() == root.size()) return false;
    const size_t relStart = root == "/" ? 1 : root.size() + 1;
    // Each ancestor directory first (an excluded one excludes all inside), then the path.
    for (size_t end = path.find('/', relStart);; end = path.find('/', end + 1)) {
        const bool last = end == std::string_view::npos;
        const std::string_view relative = path.substr(relStart, last ? std::string_view::npos : end - relStart);
        if (rules.match(relative, !last) == IgnoreRules::Verdict::Ignored) return true;
        if (last) return false;
    }
}

Exclusions::Reason Exclusions::check(std::string_view path, bool isDirectory) const {
    path = withoutTrailingSlash(path);
    if (isSecretFile(path)) return Reason::SecretFile;
    // Git's own data is never workspace content.
    for (size_t at = 0; (at = path.find("/.git", at)) != std::string_view::npos; at += 5)
        if (at + 5 == path.size() || path[at + 5] == '/') return Reason::Ignored;

    const std::string_view root = rootOf(path);
    if (root.empty() || path.size() == root.size()) return Reason::None;
    const size_t relStart = root == "/" ? 1 : root.size() + 1;
    // Each ancestor directory first (an excluded directory excludes all inside), then
    // the path itself; for each, every ignore file from the root down to its parent.
    for (size_t end = path.find('/', relStart);; end = path.find('/', end + 1)) {
        const bool last = end == std::string_view::npos;
        const std::string_view item = last ? path : path.substr(0, end);
        const bool itemIsDirectory = !last || isDirectory;
        IgnoreRules::Verdict verdict = IgnoreRules::Verdict::None;
        auto apply = [&](const IgnoreRules& rules, std::string_view relative) {
            if (const auto v = rules.match(relative, itemIsDirectory); v != IgnoreRules::Verdict::None) verdict = v;
        };
        for (size_t dirEnd = root.size();;) {
            const std::string_view directory = path.substr(0, dirEnd);
            const std::string_view relative = item.substr(dirEnd == 1 ? 1 : dirEnd + 1);
            if (auto it = byDirectory_.find(directory); it != byDirectory_.end()) {
                apply(it->second.git, relative);
                apply(it->second.flint, relative);
            }
            if (dirEnd == root.size()) apply(extra_, relative);
            const size_t next = item.find('/', dirEnd + 1);
            if (next == std::string_view::npos) break;
            dirEnd = next;
        }
        if (verdict == IgnoreRules::Verdict::Ignored) return Reason::Ignored;
        if (last) return Reason::None;
    }
}

} // namespace flint
