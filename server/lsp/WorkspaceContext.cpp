// Keeps the context sources (ServerContext::contextSources) current:
//   - the workspace folders (initialize's workspaceFolders, else rootUri) are scanned
//     off the event loop into the symbol index (workspace/WorkspaceFiles); its batches
//     are merged on the loop a few files at a time; the scan reports work-done
//     progress (token "flint/index/<n>") when the client supports it;
//   - the ignore files it meets feed the exclusion rules; a document opened before
//     the scan reached its folder has the ignore files on its way read at didOpen
//     (a few small reads, once per folder), so its verdict is right from the start;
//   - open documents are tracked for snippets (recency) and dropped on didClose, when
//     the file is re-read from disk (the buffer may have had unsaved edits);
//   - `workspace/didChangeWatchedFiles` (registered with client/registerCapability
//     when the client supports dynamic registration) re-reads changed files, drops
//     deleted ones, and rescans when a .gitignore or .flintignore changed;
//   - `flint.context` settings (and `provider.template`) are applied on every new
//     configuration; a change to what the scan depends on rescans.
#include "lsp/ServerContext.h"

#include "suggest/Prompt.h"
#include "workspace/FileUri.h"
#include "workspace/Language.h"
#include "workspace/WorkspaceFiles.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <unordered_set>

namespace flint::lsp {

namespace {

using Clock = std::chrono::steady_clock;

struct State {
    ServerContext& ctx;
    // Closed before the scanner is destroyed: a batch in flight then goes nowhere.
    std::mutex gate;
    bool open = true;
    std::unique_ptr<WorkspaceFiles> files;
    bool initialized = false;
    uint64_t scan = 0;
    Clock::time_point scanStart;
    std::unordered_set<std::string> seen;  // files this scan delivered
    bool progressCreated = false;
    bool progressBegun = false;
    bool scanDone = false;
    std::string reportedError;

    explicit State(ServerContext& c) : ctx(c) {}
    ~State() {
        {
            std::lock_guard lock(gate);
            open = false;
        }
        files.reset();
    }
};

std::string progressToken(uint64_t scan) { return "flint/index/" + std::to_string(scan); }

std::vector<std::string> workspaceRoots(const InitializeParams& client) {
    std::vector<std::string> roots;
    for (const std::string& uri : client.workspaceFolders)
        if (auto path = pathFromFileUri(uri)) roots.push_back(std::move(*path));
    if (roots.empty() && client.rootUri)
        if (auto path = pathFromFileUri(*client.rootUri)) roots.push_back(std::move(*path));
    return roots;
}

std::string joinPatterns(const std::vector<std::string>& patterns) {
    std::string text;
    for (const std::string& p : patterns) text += p + "\n";
    return text;
}

std::string_view baseName(std::string_view path) {
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string directoryOf(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return {};
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The ignore files on the way from `path`'s workspace folder down to its directory,
// for the folders not read yet.
void loadIgnoreFilesFor(ServerContext& ctx, const std::string& path) {
    Exclusions& exclusions = ctx.contextSources.exclusions;
    const std::string_view root = exclusions.rootOf(path);
    if (root.empty()) return;
    for (size_t end = root.size();;) {
        const std::string directory = path.substr(0, std::max<size_t>(end, 1));
        if (!exclusions.loaded(directory)) {
            for (const auto& ignore : WorkspaceFiles::readIgnoreFiles(directory))
                exclusions.setIgnoreFile(ignore.directory, ignore.which, ignore.text);
            exclusions.markLoaded(directory);
        }
        end = path.find('/', end + 1);
        if (end == std::string::npos) break;
    }
}

void beginProgress(State& state) {
    if (!state.progressCreated || state.progressBegun) return;
    state.progressBegun = true;
    state.ctx.notify("$/progress", json::object{{"token", progressToken(state.scan)},
                                                {"value", json::object{{"kind", "begin"}, {"title", "Flint: indexing the workspace"},
                                                                       {"cancellable", false}}}});
}

void endProgress(State& state, const std::string& message) {
    if (!state.progressBegun) return;
    state.ctx.notify("$/progress", json::object{{"token", progressToken(state.scan)},
                                                {"value", json::object{{"kind", "end"}, {"message", message}}}});
}

std::string summary(const State& state) {
    const SymbolIndex& index = state.ctx.contextSources.symbols;
    return std::to_string(index.fileCount()) + " files, " + std::to_string(index.symbolCount()) + " definitions";
}

void merge(State& state, WorkspaceFiles::Batch batch) {
    ContextSources& sources = state.ctx.contextSources;
    if (batch.scan != 0 && batch.scan != state.scan) return;  // from a scan since replaced
    for (auto& ignore : batch.ignoreFiles)
        sources.exclusions.setIgnoreFile(ignore.directory, ignore.which, ignore.text);
    for (const std::string& directory : batch.loadedDirectories) sources.exclusions.markLoaded(directory);
    for (auto& file : batch.files) {
        if (sources.exclusions.excludes(file.path)) continue;
        if (batch.scan) state.seen.insert(file.path);
        sources.symbols.setFile(file.path, std::move(file.symbols));
    }
    for (const std::string& path : batch.gone) sources.symbols.removeFile(path);
    if (!batch.finished) return;
    // What this scan did not see is gone (or excluded now).
    sources.symbols.removeFilesIf([&](const std::string& key) { return !state.seen.count(key); });
    state.seen.clear();
    state.scanDone = true;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - state.scanStart).count();
    spdlog::info("workspace index: {} in {} ms{}", summary(state), ms,
                 batch.truncated ? " (stopped at context.maxWorkspaceFiles)" : "");
    endProgress(state, summary(state));
}

void startScan(const std::shared_ptr<State>& state) {
    ServerContext& ctx = state->ctx;
    const ContextSettings& settings = ctx.contextSources.settings;
    const std::vector<std::string>& roots = ctx.contextSources.exclusions.roots();
    if (!settings.workspaceIndex || roots.empty() || !ctx.loop) {
        state->files.reset();
        ctx.contextSources.symbols.clearFiles();
        return;
    }
    if (!state->files) {
        std::weak_ptr<State> weak = state;
        state->files = std::make_unique<WorkspaceFiles>([weak, raw = state.get()](WorkspaceFiles::Batch batch) {
            // On the scanner thread: hand the batch to the event loop.
            std::lock_guard lock(raw->gate);
            if (!raw->open) return;
            raw->ctx.defer([weak, batch = std::make_shared<WorkspaceFiles::Batch>(std::move(batch))]() mutable {
                if (auto s = weak.lock()) merge(*s, std::move(*batch));
            });
        });
    }
    endProgress(*state, "restarted");
    state->seen.clear();
    state->scanDone = false;
    state->progressCreated = state->progressBegun = false;
    state->scanStart = Clock::now();
    const WorkspaceFiles::Limits limits{.maxFiles = settings.maxWorkspaceFiles, .maxFileBytes = settings.maxFileBytes};
    state->scan = state->files->scan(roots, limits, joinPatterns(settings.exclude));
    if (!ctx.client.workDoneProgress) return;
    const uint64_t scan = state->scan;
    std::weak_ptr<State> weak = state;
    ctx.request("window/workDoneProgress/create", json::object{{"token", progressToken(scan)}},
                [weak, scan](const json::value&, const ResponseError* error) {
                    auto s = weak.lock();
                    if (!s || error || s->scan != scan) return;
                    s->progressCreated = true;
                    beginProgress(*s);
                    if (s->scanDone) endProgress(*s, summary(*s));
                });
}

void registerWatchers(ServerContext& ctx) {
    if (!ctx.client.watchedFilesDynamicRegistration) return;
    std::string extensions;
    for (const auto& language : LanguageRegistry::get().all()) {
        if (!language->query(QueryKind::Definitions)) continue;
        for (const std::string& ext : language->extensions()) extensions += (extensions.empty() ? "" : ",") + ext.substr(1);
    }
    json::array watchers{
        json::object{{"globPattern", "**/*.{" + extensions + "}"}},
        json::object{{"globPattern", "**/" + std::string(Exclusions::kGitIgnore)}},
        json::object{{"globPattern", "**/" + std::string(Exclusions::kFlintIgnore)}},
    };
    ctx.request("client/registerCapability",
                json::object{{"registrations", json::array{json::object{
                                                   {"id", "flint/watched-files"},
                                                   {"method", "workspace/didChangeWatchedFiles"},
                                                   {"registerOptions", json::object{{"watchers", std::move(watchers)}}},
                                               }}}},
                [](const json::value&, const ResponseError* error) {
                    if (error) spdlog::warn("client/registerCapability (watched files): {}", error->message);
                });
}

// Ignore files changed: their rules now, the index without what they exclude, then a
// rescan for what they include again.
void ignoreFilesChanged(const std::shared_ptr<State>& state, const std::vector<std::string>& paths) {
    ContextSources& sources = state->ctx.contextSources;
    for (const std::string& path : paths) {
        const std::string directory = directoryOf(path);
        const auto which = baseName(path) == Exclusions::kGitIgnore ? Exclusions::IgnoreFile::Git
                                                                     : Exclusions::IgnoreFile::Flint;
        std::string text;
        for (const auto& ignore : WorkspaceFiles::readIgnoreFiles(directory))
            if (ignore.which == which) text = ignore.text;
        sources.exclusions.setIgnoreFile(directory, which, text);
    }
    sources.symbols.removeFilesIf([&](const std::string& key) { return sources.exclusions.excludes(key); });
    if (state->initialized) startScan(state);
}

bool isIgnoreFile(std::string_view path) {
    const std::string_view name = baseName(path);
    return name == Exclusions::kGitIgnore || name == Exclusions::kFlintIgnore;
}

void applySettings(const std::shared_ptr<State>& state) {
    ServerContext& ctx = state->ctx;
    std::string error;
    std::optional<ContextSettings> parsed = parseContextSettings(ctx.settings, error);
    if (!parsed) {
        spdlog::error("configuration: {}", error);
        if (error != state->reportedError)
            ctx.showMessage(ServerContext::MessageType::Error, "Flint: the context configuration is wrong: " + error);
        state->reportedError = error;
        return;
    }
    // The template name can be judged now; whether it applies depends on the provider.
    if (!parsed->fimTemplate.empty() && parsed->fimTemplate != "auto" && !findPromptTemplate(parsed->fimTemplate)) {
        std::string message = "provider.template: unknown template '" + parsed->fimTemplate + "' (expected \"auto\" or one of:";
        for (const PromptTemplate& t : promptTemplates()) message += " " + t.name;
        message += ")";
        if (message != state->reportedError)
            ctx.showMessage(ServerContext::MessageType::Error, "Flint: " + message);
        state->reportedError = message;
        parsed->fimTemplate.clear();
    } else {
        state->reportedError.clear();
    }
    const bool rescan = !parsed->sameScan(ctx.contextSources.settings);
    ctx.contextSources.exclusions.setExtraPatterns(joinPatterns(parsed->exclude));
    ctx.contextSources.settings = std::move(*parsed);
    if (rescan && state->initialized) {
        const ContextSources& sources = ctx.contextSources;
        ctx.contextSources.symbols.removeFilesIf([&](const std::string& key) { return sources.exclusions.excludes(key); });
        startScan(state);
    }
}

} // namespace

void registerWorkspaceContext(ServerContext& ctx) {
    auto state = std::make_shared<State>(ctx);
    ctx.configurationApplied.push_back([weak = std::weak_ptr<State>(state)] {
        if (auto s = weak.lock()) applySettings(s);
    });

    ctx.onNotification("initialized", [state](const json::value&) {
        ServerContext& ctx = state->ctx;
        ctx.contextSources.exclusions.setRoots(workspaceRoots(ctx.client));
        state->initialized = true;
        // Documents opened so far (none, usually) get their ignore files read.
        ctx.workspace.forEachDocument([&](const Document& doc) {
            if (auto path = pathFromFileUri(doc.uri())) loadIgnoreFilesFor(ctx, *path);
        });
        startScan(state);
        registerWatchers(ctx);
    });

    ctx.onNotification("textDocument/didOpen", [state](const json::value& params) {
        DidOpenTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return;
        ServerContext& ctx = state->ctx;
        if (auto path = pathFromFileUri(p.textDocument.uri)) loadIgnoreFilesFor(ctx, *path);
        ctx.contextSources.symbols.forgetDocument(p.textDocument.uri);  // reopened: new text
        ctx.contextSources.snippets.touch(p.textDocument.uri);
        // The one full pass over the new document's definitions, after the messages
        // already queued: from then on they are kept current incrementally.
        ctx.defer([&ctx, uri = p.textDocument.uri] {
            if (Document* doc = ctx.workspace.find(uri)) doc->definitions();
        });
    });

    ctx.onNotification("textDocument/didChange", [state](const json::value& params) {
        const json::object* p = params.if_object();
        const json::value* doc = p ? p->if_contains("textDocument") : nullptr;
        const json::value* uri = doc && doc->is_object() ? doc->as_object().if_contains("uri") : nullptr;
        if (uri && uri->is_string()) state->ctx.contextSources.snippets.touch(std::string(uri->as_string()));
    });

    ctx.onNotification("textDocument/didClose", [state](const json::value& params) {
        DidCloseTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return;
        ContextSources& sources = state->ctx.contextSources;
        sources.symbols.forgetDocument(p.uri);
        sources.snippets.forget(p.uri);
        // The file on disk is what counts now (the buffer may have had unsaved edits).
        if (auto path = pathFromFileUri(p.uri); path && state->files && !sources.exclusions.rootOf(*path).empty())
            state->files->refresh({*path});
    });

    ctx.onNotification("textDocument/didSave", [state](const json::value& params) {
        DidSaveTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return;
        if (auto path = pathFromFileUri(p.uri); path && isIgnoreFile(*path)) ignoreFilesChanged(state, {*path});
    });

    ctx.onNotification("workspace/didChangeWatchedFiles", [state](const json::value& params) {
        const json::object* p = params.if_object();
        const json::value* changes = p ? p->if_contains("changes") : nullptr;
        if (!changes || !changes->is_array()) return spdlog::warn("workspace/didChangeWatchedFiles: no changes");
        ContextSources& sources = state->ctx.contextSources;
        std::vector<std::string> reread;
        std::vector<std::string> ignoreFiles;
        for (const json::value& change : changes->as_array()) {
            const json::object* c = change.if_object();
            const json::value* uri = c ? c->if_contains("uri") : nullptr;
            const json::value* type = c ? c->if_contains("type") : nullptr;
            if (!uri || !uri->is_string() || !type || !type->is_int64()) continue;
            auto path = pathFromFileUri(uri->as_string());
            if (!path) continue;
            if (isIgnoreFile(*path)) {
                ignoreFiles.push_back(std::move(*path));
            } else if (type->as_int64() == 3) {  // FileChangeType.Deleted
                sources.symbols.removeFile(*path);
            } else if (!sources.exclusions.rootOf(*path).empty()) {
                reread.push_back(std::move(*path));
            }
        }
        if (!ignoreFiles.empty()) return ignoreFilesChanged(state, ignoreFiles);  // rescans everything
        if (state->files) state->files->refresh(std::move(reread));
    });
}

} // namespace flint::lsp
