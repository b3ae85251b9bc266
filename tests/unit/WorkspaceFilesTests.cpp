// The workspace scanner over a real directory tree in a temporary folder: what it
// reads, what it skips, and its batches. Waits have deadlines; nothing sleeps.
#include "workspace/WorkspaceFiles.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

using namespace flint;
namespace fs = std::filesystem;

namespace {

struct TempTree {
    fs::path root;
    TempTree() {
        root = fs::temp_directory_path() / ("flint-scan-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(root);
    }
    ~TempTree() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void write(const std::string& relative, const std::string& text) const {
        const fs::path p = root / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }
    std::string path(const std::string& relative) const { return (root / relative).string(); }
};

struct Collector {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<WorkspaceFiles::Batch> batches;

    WorkspaceFiles::Deliver deliver() {
        return [this](WorkspaceFiles::Batch batch) {
            std::lock_guard lock(mutex);
            batches.push_back(std::move(batch));
            changed.notify_all();
        };
    }
    // Waits (with a deadline) until `done` holds over the batches so far.
    template <class F>
    bool waitFor(F done) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), [&] { return done(batches); });
    }
};

bool finished(const std::vector<WorkspaceFiles::Batch>& batches) {
    return !batches.empty() && batches.back().finished;
}

} // namespace

TEST_CASE("the scanner indexes source files and skips ignored, secret, large and binary ones") {
    TempTree tree;
    tree.write(".gitignore", "build/\n*.log\n");
    tree.write(".flintignore", "private/\n");
    tree.write("src/app.py", "def alpha(x):\n    return x\n\nclass Beta:\n    pass\n");
    tree.write("src/web/ui.ts", "export function gamma(): number { return 1; }\n");
    tree.write("src/web/.gitignore", "local.ts\n");
    tree.write("src/web/local.ts", "function hidden_local() {}\n");
    tree.write("build/gen.py", "def generated():\n    pass\n");
    tree.write("private/p.py", "def private_thing():\n    pass\n");
    tree.write(".env", "KEY=1\n");
    tree.write("keys/server.pem", "x\n");
    tree.write("notes.txt", "def not_code():\n");
    tree.write("big.py", "def big():\n    pass\n" + std::string(4096, '#') + "\n");
    tree.write("bin.py", std::string("def b():\0\0\0", 11));
    tree.write(".git/hooks/h.py", "def hook():\n    pass\n");

    Collector collector;
    WorkspaceFiles files(collector.deliver());
    tree.write("x.skip.py", "def skipped():\n    pass\n");
    files.scan({tree.root.string()}, {.maxFiles = 100, .maxFileBytes = 2048}, "*.skip.py\n");
    REQUIRE(collector.waitFor(finished));

    std::set<std::string> indexed, names, ignoreDirectories;
    for (const auto& batch : collector.batches) {
        for (const auto& file : batch.files) {
            indexed.insert(fs::path(file.path).lexically_relative(tree.root).string());
            for (const Symbol& s : file.symbols) names.insert(s.name);
        }
        for (const auto& ignore : batch.ignoreFiles) ignoreDirectories.insert(ignore.directory);
    }
    CHECK(indexed == std::set<std::string>{"src/app.py", "src/web/ui.ts"});
    CHECK(names == std::set<std::string>{"alpha", "Beta", "gamma"});
    CHECK(ignoreDirectories.count(tree.root.string()));
    CHECK(ignoreDirectories.count(tree.path("src/web")));
    CHECK_FALSE(collector.batches.back().truncated);
    CHECK(collector.batches.back().filesSoFar == 2);

    SECTION("a refresh re-reads a changed file and reports a deleted or excluded one as gone") {
        collector.batches.clear();
        tree.write("src/app.py", "def alpha2():\n    pass\n");
        fs::remove(tree.path("src/web/ui.ts"));
        files.refresh({tree.path("src/app.py"), tree.path("src/web/ui.ts"), tree.path("build/gen.py")});
        REQUIRE(collector.waitFor([](const auto& b) { return !b.empty(); }));
        const auto& batch = collector.batches.front();
        REQUIRE(batch.files.size() == 1);
        CHECK(batch.files[0].symbols.at(0).name == "alpha2");
        CHECK(std::set<std::string>(batch.gone.begin(), batch.gone.end()) ==
              std::set<std::string>{tree.path("src/web/ui.ts"), tree.path("build/gen.py")});
    }
}

TEST_CASE("the scanner stops at the file limit, a new scan gets a new number") {
    TempTree tree;
    for (int i = 0; i < 30; ++i) tree.write("m" + std::to_string(i) + ".py", "def f" + std::to_string(i) + "():\n    pass\n");
    Collector collector;
    WorkspaceFiles files(collector.deliver());
    const uint64_t first = files.scan({tree.root.string()}, {.maxFiles = 10}, "");
    const uint64_t second = files.scan({tree.root.string()}, {.maxFiles = 10}, "");
    CHECK(second > first);
    REQUIRE(collector.waitFor([&](const auto& batches) {
        return std::any_of(batches.begin(), batches.end(), [&](const auto& b) { return b.scan == second && b.finished; });
    }));
    size_t count = 0;
    for (const auto& batch : collector.batches)
        if (batch.scan == second) count += batch.files.size();
    CHECK(count == 10);
    CHECK(collector.batches.back().truncated);
}

TEST_CASE("ignore files are read on demand") {
    TempTree tree;
    tree.write(".gitignore", "out/\n");
    const auto found = WorkspaceFiles::readIgnoreFiles(tree.root.string());
    REQUIRE(found.size() == 1);
    CHECK(found[0].which == Exclusions::IgnoreFile::Git);
    CHECK(found[0].text == "out/\n");
    CHECK(WorkspaceFiles::readIgnoreFiles(tree.path("missing")).empty());
}
