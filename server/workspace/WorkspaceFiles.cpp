#include "workspace/WorkspaceFiles.h"

#include "workspace/Language.h"
#include "workspace/SyntaxTree.h"
#include "workspace/Text.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace flint {

namespace fs = std::filesystem;

namespace {

constexpr size_t kBatchFiles = 16;
constexpr auto kBatchInterval = std::chrono::milliseconds(50);

std::optional<std::string> readFile(const std::string& path, size_t maxBytes) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > maxBytes) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    return text;
}

// Binary data, or generated code on a few enormous lines: nothing a prompt wants.
bool looksIndexable(std::string_view text) {
    if (text.substr(0, 8192).find('\0') != std::string_view::npos) return false;
    if (text.size() < 8192) return true;
    const auto lines = std::count(text.begin(), text.end(), '\n') + 1;
    return text.size() / static_cast<size_t>(lines) < 500;
}

} // namespace

WorkspaceFiles::WorkspaceFiles(Deliver deliver) : deliver_(std::move(deliver)) {
    thread_ = std::thread([this] { run(); });
}

WorkspaceFiles::~WorkspaceFiles() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        abandon_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    thread_.join();
}

uint64_t WorkspaceFiles::scan(std::vector<std::string> roots, Limits limits, std::string extraPatterns) {
    std::lock_guard lock(mutex_);
    const uint64_t id = ++latestScan_;
    // A full scan replaces everything queued before it.
    jobs_.clear();
    jobs_.push_back(Job{id, std::move(roots), limits, std::move(extraPatterns)});
    wake_.notify_all();
    return id;
}

void WorkspaceFiles::refresh(std::vector<std::string> paths) {
    if (paths.empty()) return;
    std::lock_guard lock(mutex_);
    jobs_.push_back(Job{0, std::move(paths), {}, {}});
    wake_.notify_all();
}

bool WorkspaceFiles::superseded(uint64_t scan) {
    std::lock_guard lock(mutex_);
    return stopping_ || scan != latestScan_;
}

void WorkspaceFiles::run() {
    // Background work: lowest CPU priority, so it never competes with the event loop.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            if (job.scan != 0) fullScan(job);
            else refreshFiles(job);
        } catch (const std::exception& e) {
            // A file system error must not take the server down: the index stays partial.
            spdlog::warn("workspace scan: {}", e.what());
        }
    }
}

std::vector<WorkspaceFiles::IgnoreFileText> WorkspaceFiles::readIgnoreFiles(const std::string& directory) {
    std::vector<IgnoreFileText> found;
    const std::string base = directory == "/" ? std::string() : directory;
    for (auto [name, which] : {std::pair{Exclusions::kGitIgnore, Exclusions::IgnoreFile::Git},
                               std::pair{Exclusions::kFlintIgnore, Exclusions::IgnoreFile::Flint}}) {
        if (auto text = readFile(base + "/" + std::string(name), 1024 * 1024); text && !text->empty())
            found.push_back({directory, which, std::move(*text)});
    }
    return found;
}

std::optional<std::vector<Symbol>> WorkspaceFiles::indexFile(const std::string& path, size_t maxBytes,
                                                             const std::atomic<bool>& abandon) {
    const Language* language = LanguageRegistry::get().forPath(path);
    if (!language || !language->query(QueryKind::Definitions)) return std::nullopt;
    auto content = readFile(path, maxBytes);
    if (!content || !looksIndexable(*content)) return std::nullopt;
    const Text text(std::move(*content));
    const std::unique_ptr<SyntaxTree> tree = SyntaxTree::parseUnless(*language, text.str(), abandon);
    if (!tree) return std::nullopt;  // the server is stopping
    std::vector<Definition> definitions = tree->definitions(text.str());
    std::stable_sort(definitions.begin(), definitions.end(), [](const Definition& a, const Definition& b) {
        return a.startByte != b.startByte ? a.startByte < b.startByte : a.endByte > b.endByte;
    });
    return symbolsOf(definitions, text);
}

void WorkspaceFiles::fullScan(const Job& job) {
    exclusions_ = Exclusions();
    exclusions_.setRoots(job.paths);
    exclusions_.setExtraPatterns(job.extraPatterns);
    limits_ = job.limits;

    Batch batch;
    batch.scan = job.scan;
    size_t files = 0;
    auto lastDelivery = std::chrono::steady_clock::now();
    auto flush = [&](bool finished) {
        batch.finished = finished;
        batch.filesSoFar = files;
        deliver_(std::move(batch));
        batch = Batch{};
        batch.scan = job.scan;
        lastDelivery = std::chrono::steady_clock::now();
    };

    std::deque<std::pair<std::string, size_t>> directories;  // path, depth
    for (const std::string& root : exclusions_.roots()) directories.emplace_back(root, 0);
    while (!directories.empty()) {
        if (superseded(job.scan)) return;
        auto [directory, depth] = std::move(directories.front());
        directories.pop_front();
        for (IgnoreFileText& ignore : readIgnoreFiles(directory)) {
            exclusions_.setIgnoreFile(ignore.directory, ignore.which, ignore.text);
            batch.ignoreFiles.push_back(std::move(ignore));
        }
        exclusions_.markLoaded(directory);
        batch.loadedDirectories.push_back(directory);

        std::vector<std::pair<std::string, bool>> entries;  // path, is a directory
        std::error_code ec;
        for (fs::directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec)) {
            std::error_code statusError;
            const fs::file_status status = it->symlink_status(statusError);
            if (statusError || fs::is_symlink(status)) continue;  // links may loop or leave the folder
            if (fs::is_directory(status) || fs::is_regular_file(status))
                entries.emplace_back(it->path().string(), fs::is_directory(status));
        }
        std::sort(entries.begin(), entries.end());
        for (auto& [path, isDirectory] : entries) {
            if (exclusions_.excludes(path, isDirectory)) continue;
            if (isDirectory) {
                if (depth + 1 <= limits_.maxDepth) directories.emplace_back(std::move(path), depth + 1);
                continue;
            }
            // Each file may take a while at the lowest priority: stop or give way between files.
            if (superseded(job.scan)) return;
            if (files >= limits_.maxFiles) {
                batch.truncated = true;
                directories.clear();
                break;
            }
            auto symbols = indexFile(path, limits_.maxFileBytes, abandon_);
            if (!symbols) continue;
            ++files;
            batch.files.push_back({std::move(path), std::move(*symbols)});
            if (batch.files.size() >= kBatchFiles || std::chrono::steady_clock::now() - lastDelivery > kBatchInterval) {
                if (superseded(job.scan)) return;
                flush(false);
            }
        }
    }
    if (!superseded(job.scan)) flush(true);
}

void WorkspaceFiles::refreshFiles(const Job& job) {
    Batch batch;
    for (const std::string& path : job.paths) {
        // A file in a folder the scan has not read yet: the ignore files on its way first.
        const std::string_view root = exclusions_.rootOf(path);
        for (size_t end = root.size(); !root.empty();) {
            const std::string directory = path.substr(0, std::max<size_t>(end, 1));
            if (!exclusions_.loaded(directory)) {
                for (IgnoreFileText& ignore : readIgnoreFiles(directory)) {
                    exclusions_.setIgnoreFile(ignore.directory, ignore.which, ignore.text);
                    batch.ignoreFiles.push_back(std::move(ignore));
                }
                exclusions_.markLoaded(directory);
                batch.loadedDirectories.push_back(directory);
            }
            end = path.find('/', end + 1);
            if (end == std::string::npos) break;
        }
        std::optional<std::vector<Symbol>> symbols;
        if (!exclusions_.excludes(path)) symbols = indexFile(path, limits_.maxFileBytes, abandon_);
        if (symbols) batch.files.push_back({path, std::move(*symbols)});
        else batch.gone.push_back(path);
    }
    deliver_(std::move(batch));
}

} // namespace flint
