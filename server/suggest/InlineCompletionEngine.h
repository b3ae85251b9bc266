#pragma once
// The inline-completion engine: typed requests in, growing suggestions out. It
// decides where an answer comes from (the cache, a stream already running, the
// model after a debounce, or the embedded workspace engine), streams the model's
// answer through output shaping into the cache, prefetches the next suggestion
// once one is shown, and keeps acceptance statistics. It knows no JSON and no
// sockets: the model is reached through CompletionModel, time through a Clock.
//
//   InlineCompletionEngine engine(workspace, model, clock, &contextSources);
//   engine.request({.uri = uri, .offset = offset, .trigger = TriggerKind::Automatic}, token,
//                  [](const SuggestionUpdate& u) { show(u.text); if (u.done) ...; });
//   engine.documentChanged(uri);     // on every didChange
//   engine.shown(id);                // the editor displayed suggestion `id`
//
// Contract for a request's updates: each update's text extends the previous one
// (the text to insert at the request's offset); exactly one update has done=true,
// and it is the last. Updates never run inside request() for the model path, but
// may for answers that are ready at once (cache, workspace). A request ends with
// done=true, cancelled=true and no text when it is superseded: by a newer request
// for the same document, by a change to the document (its text was for the old
// text), or by its token.
//
// One request is answered per document at a time, and one model stream runs per
// document (plus at most one prefetch). A stream outlives the request that started
// it: it keeps filling the cache until it ends or a request that needs a new model
// stream for that document supersedes it (then it is closed on the wire).
//
// With ContextSources, the context reaches beyond the document (the workspace index,
// similar snippets, redaction, the token budget, the FIM template setting), and a
// document the sources exclude gets an empty answer without any model request.

#include "context/ContextSources.h"
#include "model/Provider.h"
#include "suggest/Debounce.h"
#include "suggest/InlineStats.h"
#include "suggest/SuggestionCache.h"
#include "support/Cancellation.h"
#include "support/Clock.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace flint {

class Workspace;

// How the model is reached. Production: the configured provider; tests: a script.
class CompletionModel {
public:
    virtual ~CompletionModel() = default;
    // The wire format of the model for inline completion; null when none is configured.
    virtual const WireFormat* format() = 0;
    // What identifies the model's answers (kind, endpoint, model): part of the cache key.
    virtual std::string identity() = 0;
    // The model's name as configured (for choosing a prompt template by model family).
    virtual std::string modelName() { return {}; }
    // Starts a stream. As Provider::stream: no update before this returns, exactly one
    // final update, nothing after cancel(). `invoked`: the user asked for it (it goes
    // even when budgets pause automatic requests); automatic requests and prefetches
    // are not.
    virtual std::shared_ptr<ProviderCall> stream(ModelRequest request,
                                                 std::function<void(const StreamUpdate&)> onUpdate,
                                                 bool invoked) = 0;
};

enum class TriggerKind { Invoked = 1, Automatic = 2 };

struct InlineRequest {
    std::string uri;
    size_t offset = 0;  // byte offset into the document's current text
    TriggerKind trigger = TriggerKind::Invoked;
};

struct SuggestionUpdate {
    enum class Source { Model, Workspace };
    std::string id;        // the suggestion's id, for shown/accepted feedback
    std::string text;      // the whole suggestion so far
    bool lineDone = false; // its last line is whole: a line break follows in the model's reply
    bool done = false;
    bool cancelled = false;
    Source source = Source::Model;
    bool cached = false;   // served from the cache (a finished answer or a running stream)
    std::string model;     // done: the model that served it, when known
    std::string error;     // done: the stream failed or broke off
    std::optional<StreamUsage> usage;  // done, from the model: what the server said it did
    std::string fromUri;   // Workspace: where the matching code is
    uint32_t fromLine = 0;
};

struct InlineSettings {
    AdaptiveDebounce::Settings debounce;
    bool prefetch = true;
    int prefetchPerMinute = 30;
    size_t cacheEntries = 256;
    int maxTokensSingleLine = 64;
    int maxTokensMultiLine = 256;
    bool multiLine = true;  // false: every suggestion is single-line (a slow model's answers stay short)
};

// The settings to use while the model is degraded (slow first tokens): single-line
// suggestions with the single-line token cap, no prefetch (it would queue behind the
// slow requests), and a debounce floor of 150 ms (the adaptive debounce already waits
// longer as time to first token grows; the floor also holds while it is still learning).
InlineSettings adaptedToSlowModel(InlineSettings settings);

class InlineCompletionEngine {
public:
    using Listener = std::function<void(const SuggestionUpdate&)>;

    // `sources` (may be null: the document alone is the context) must outlive the engine.
    InlineCompletionEngine(Workspace& workspace, CompletionModel& model, Clock& clock,
                           ContextSources* sources = nullptr);
    ~InlineCompletionEngine();
    InlineCompletionEngine(const InlineCompletionEngine&) = delete;
    InlineCompletionEngine& operator=(const InlineCompletionEngine&) = delete;

    void configure(const InlineSettings& settings);
    void request(const InlineRequest& request, CancellationToken token, Listener listener);

    // The document's text changed (or it closed): requests for the old text end,
    // a prefetch the edit diverged from is cancelled.
    void documentChanged(const std::string& uri);
    void documentClosed(const std::string& uri);

    // Feedback from the editor, by suggestion id. `acceptedBytes`: how much of the
    // suggestion (from its start) was accepted.
    void shown(const std::string& id);
    void accepted(const std::string& id);
    void partiallyAccepted(const std::string& id, size_t acceptedBytes);
    // The text of a suggestion the editor may still give feedback on (empty if unknown).
    std::string suggestionText(const std::string& id) const;

    const InlineStats& stats() const;
    const AdaptiveDebounce& debounce() const;
    size_t cacheSize() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
