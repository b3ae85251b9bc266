#pragma once
// Next-edit suggestions: after the user changes something, the model rewrites a
// small region around the cursor and Flint offers the difference as a few small
// edits. Knows documents, prompts and the provider; no JSON-RPC, no sockets.
//
//   NextEditEngine engine(workspace, schedule);
//   engine.suggest({uri, cursorOffset, version}, provider, settings, token,
//                  [](NextEditSuggestion s) { reply(s.edits, s.version); });
//   engine.documentChanged(uri);   // after every didChange: rebase or drop
//   engine.accepted(id);           // the user took it: the history says so
//
// One prediction per document. A request is answered as soon as the streaming
// diff has a final hunk (the rest keeps streaming into the stored prediction), or
// when the stream ends. A stream that fails or breaks off keeps only the hunks the
// model had finished (anchored); one that finished none is no answer and is not
// stored, so the next request asks the model again. Later requests are served from the stored prediction with
// no model call while it still applies: it is rebased onto every change (see
// RegionPrediction) and dropped when the user's typing conflicts with it, when it
// offered nothing and the text changed, when the cursor goes far from its region,
// or when the document closes. A request waiting
// for the model is answered with nothing when the document changes (its answer
// would be for older text); the stream goes on when the change is outside the
// region. Every suggestion carries the version its edits are for, always the
// document's current one.
//
// Guardrails: `enabled`, languages and path globs turned off, a tokens-per-minute
// budget (model/Budget: a request goes only if its estimate fits), and a quiet time: an edit away from the cursor (a jump) is offered only
// once the user has paused typing that long (the answer waits for it).

#include "context/NextEditContext.h"
#include "suggest/Diff.h"
#include "suggest/NextEditStats.h"
#include "support/Cancellation.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flint {

struct ContextSources;
class Provider;
class Workspace;

struct NextEditSettings {
    bool enabled = true;
    std::string format;                          // empty: the default for the provider's wire format
    std::vector<std::string> disabledLanguages;  // LSP languageIds or grammar names
    std::vector<std::string> disabledGlobs;      // gitignore syntax, from the workspace folder's root
    long tokensPerMinute = 120'000;              // 0: no limit
    std::chrono::milliseconds quietTime{1000};   // typing pause before a jump is offered
    uint32_t regionLines = 20;                   // the editable region's size at most
    uint32_t nearLines = 2;                      // an edit this close to the cursor line is at it
};

struct NextEditSuggestion {
    std::string id;       // names the suggestion in didShow / accept
    std::string uri;
    int64_t version = 0;  // the document version the edits are for
    std::vector<TextEdit> edits;  // document byte offsets, sorted, never overlapping
    // Index into `edits` of the edit nearest the cursor, and whether it is away
    // from the cursor (a client may offer to jump there).
    size_t best = 0;
    bool jump = false;
    bool complete = true;  // false: the model is still writing; more edits may follow
    std::string skipped;   // why nothing was asked or offered (empty when something was)
};

class NextEditEngine {
public:
    using Schedule = std::function<void(std::chrono::milliseconds delay, std::function<void()> task)>;
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using Done = std::function<void(NextEditSuggestion)>;
    struct Request {
        std::string uri;
        size_t offset = 0;                 // the cursor, a byte offset
        std::optional<int64_t> version;    // the version the client saw, if it said
        // The client shows inline completions: an edit that is a pure insertion at the
        // cursor goes there (insertionAt) and is left out of this answer.
        bool insertionAsCompletion = false;
    };
    using Stats = NextEditStats;

    // `schedule` runs a task later on the same thread (the quiet time's timer).
    NextEditEngine(Workspace& workspace, Schedule schedule, Clock clock = {});
    ~NextEditEngine();
    NextEditEngine(const NextEditEngine&) = delete;
    NextEditEngine& operator=(const NextEditEngine&) = delete;

    // Workspace root URIs: prompts name files relative to them.
    void setRoots(std::vector<std::string> roots);
    // The server's context sources (kept by reference): documents whose text must
    // never reach a model (ContextSources::excludes) get no request ("excluded") and
    // their edits stay out of other prompts; `disabledGlobs` are matched against the
    // same workspace folders (ContextSources::matches). A region holding a secret is
    // not sent either ("secret"); see NextEditContext.
    void setExclusions(const ContextSources& sources);
    // Answers through `done` exactly once, unless `token` is cancelled first.
    void suggest(const Request& request, Provider* provider, const NextEditSettings& settings,
                 CancellationToken token, Done done);
    // After every change to (or the closing of) a document.
    void documentChanged(const std::string& uri);
    // The editor shows suggestion `id`; false when it is unknown.
    bool shown(const std::string& id);
    // The user accepted suggestion `id`; false when it is unknown.
    bool accepted(const std::string& id);
    // For inline completion: a stored prediction's edit that is a pure insertion at
    // `offset` in version `version` of the document (its text, and the suggestion's
    // id for accepted()).
    struct Insertion {
        std::string id;
        std::string text;
    };
    std::optional<Insertion> insertionAt(const std::string& uri, int64_t version, size_t offset);
    const Stats& stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
