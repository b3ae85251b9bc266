#include "suggest/InlineCompletionEngine.h"

#include "context/CompletionContext.h"
#include "suggest/Prompt.h"
#include "suggest/Shaping.h"
#include "suggest/WorkspaceMatch.h"
#include "workspace/Workspace.h"

#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <vector>

namespace flint {

namespace {

using namespace std::chrono_literals;
constexpr size_t kRememberedSuggestions = 64;  // ids the editor may still give feedback on
constexpr size_t kRememberedChains = 64;
constexpr auto kPrefetchWindow = 60s;

} // namespace

struct InlineCompletionEngine::Impl : std::enable_shared_from_this<Impl> {
    // One request being answered.
    struct View {
        std::string id;
        std::string uri;
        size_t offset = 0;  // the cursor
        Listener listener;
        std::shared_ptr<CachedSuggestion> entry;  // once it has a source
        size_t typed = 0;                         // bytes of entry->text typed before the cursor
        bool cached = false;
        std::string sent;  // the text of the last update
        bool sentLineDone = false;
        bool done = false;
        bool invoked = false;     // the user asked (triggerKind Invoked)
        CancellationSource wait;  // the debounce timer
    };

    // One model stream, filling one cache entry.
    struct Stream {
        std::string uri;
        std::shared_ptr<CachedSuggestion> entry;
        std::shared_ptr<ProviderCall> call;
        std::unique_ptr<ShapingSite> site;  // where the suggestion goes, as it was asked for
        std::string raw;
        Clock::TimePoint started;
        Clock::Duration requestSide{};  // Flint's time from the request let go to the stream handed on
        StreamMeter meter{Clock::TimePoint{}};  // time to first token, decode rate, how it ended
        bool ended = false;
        bool prefetch = false;
        // The requests showing it. Held weakly: the document holds its request, and a
        // request that ended need not stay until the stream does.
        std::vector<std::weak_ptr<View>> views;
        // A prefetch: the suggestion it assumes accepted, and where that suggestion starts.
        std::shared_ptr<CachedSuggestion> parent;
        size_t parentStart = 0;
        // A suggestion shown while this stream still ran: prefetch after it once it ends.
        std::string prefetchAfter;
    };

    // A suggestion as the user sees it: one cache entry at one place, however many
    // requests show its rest while the user types it.
    struct Chain {
        std::weak_ptr<CachedSuggestion> entry;
        bool shown = false, accepted = false, partial = false, prefetched = false;
        bool ended = false, countedRejected = false;
    };

    // What a suggestion id refers to, for feedback.
    struct Record {
        std::string id;
        std::string uri;
        size_t offset = 0;
        size_t typed = 0;
        std::shared_ptr<CachedSuggestion> entry;
        std::string text;  // a workspace answer's text
        uint64_t chain = 0;
    };

    struct DocState {
        std::shared_ptr<View> view;
        std::shared_ptr<Stream> live;
        std::shared_ptr<Stream> prefetch;
        uint64_t chain = 0;
    };

    Workspace& workspace;
    CompletionModel& model;
    Clock& clock;
    ContextSources* sources;
    InlineSettings settings;
    SuggestionCache cache;
    AdaptiveDebounce debounce;
    InlineStats stats;
    std::map<std::string, DocState, std::less<>> docs;
    std::map<std::string, Record> records;
    std::deque<std::string> recordOrder;
    std::map<uint64_t, Chain> chains;
    std::deque<uint64_t> endedChains;
    std::deque<Clock::TimePoint> prefetchTimes;
    std::string modelIdentity;
    uint64_t nextId = 1;
    uint64_t nextChain = 1;

    Impl(Workspace& w, CompletionModel& m, Clock& c, ContextSources* s)
        : workspace(w), model(m), clock(c), sources(s) {}

    ~Impl() {
        for (auto& [uri, doc] : docs) {
            if (doc.view) doc.view->wait.cancel();
            for (auto* stream : {&doc.live, &doc.prefetch})
                if (*stream && !(*stream)->ended) (*stream)->call->cancel();
        }
    }

    // ----------------------------------------------------------------------------
    // Delivering to a request

    static std::string remainderFor(const View& view) {
        const std::string& text = view.entry->text;
        // A failed stream clears its text: then nothing fits what was typed.
        if (text.size() < view.typed) return {};
        return text.substr(view.typed);
    }

    void send(View& view, SuggestionUpdate update) {
        if (view.done) return;
        std::shared_ptr<View> keep;  // the document may hold the last reference to `view`
        if (update.done) {
            view.done = true;
            view.wait.cancel();
            auto it = docs.find(view.uri);
            if (it != docs.end() && it->second.view.get() == &view) keep = std::move(it->second.view);
        }
        view.sent = update.text;
        view.sentLineDone = update.lineDone;
        // The listener may call back into the engine: hold the view while it runs.
        Listener listener = view.listener;
        listener(update);
    }

    void deliver(View& view, bool done, const std::string& error = {}) {
        if (view.done) return;
        std::string text = remainderFor(view);
        const bool lineDone = view.entry->lineDone;
        if (!done && text == view.sent && lineDone == view.sentLineDone) return;
        SuggestionUpdate update;
        update.id = view.id;
        update.text = std::move(text);
        update.lineDone = lineDone;
        update.done = done;
        update.cached = view.cached;
        if (done) {
            update.model = view.entry->model;
            update.error = error;
            if (!view.cached) update.usage = view.entry->usage;  // a cached answer cost the server nothing
        }
        send(view, std::move(update));
    }

    void cancelView(std::shared_ptr<View> view) {
        if (!view || view->done) return;
        if (!view->entry) ++stats.debounced;  // it never reached the model
        SuggestionUpdate update;
        update.id = view->id;
        update.done = true;
        update.cancelled = true;
        send(*view, std::move(update));
    }

    // ----------------------------------------------------------------------------
    // Feedback bookkeeping

    void remember(const View& view, const std::string& workspaceText = {}) {
        auto& doc = docs[view.uri];
        records[view.id] = Record{view.id, view.uri, view.offset, view.typed, view.entry, workspaceText, doc.chain};
        recordOrder.push_back(view.id);
        while (recordOrder.size() > kRememberedSuggestions) {
            records.erase(recordOrder.front());
            recordOrder.pop_front();
        }
    }

    void endChain(uint64_t id) {
        auto it = chains.find(id);
        if (it == chains.end() || it->second.ended) return;
        Chain& chain = it->second;
        chain.ended = true;
        if (chain.shown && !chain.accepted && !chain.partial) {
            ++stats.rejected;
            chain.countedRejected = true;
        }
        endedChains.push_back(id);
        while (endedChains.size() > kRememberedChains) {
            chains.erase(endedChains.front());
            endedChains.pop_front();
        }
    }

    // The request shows `entry` (null: a workspace answer): the same suggestion as the
    // document's last one if it is the same entry, else a new one (the last one ends).
    void chainFor(DocState& doc, const std::shared_ptr<CachedSuggestion>& entry) {
        if (doc.chain && entry) {
            auto it = chains.find(doc.chain);
            if (it != chains.end() && !it->second.ended && it->second.entry.lock() == entry) return;
        }
        endChain(doc.chain);
        doc.chain = nextChain++;
        chains[doc.chain].entry = entry;
    }

    // A late accept for a suggestion already counted as rejected (the editor may ask for
    // the next suggestion before it runs the accept command) takes the rejection back.
    Chain* chainOf(const Record& record, bool acceptance) {
        auto it = chains.find(record.chain);
        if (it == chains.end()) return nullptr;
        if (acceptance && it->second.countedRejected) {
            --stats.rejected;
            it->second.countedRejected = false;
        }
        return &it->second;
    }

    // ----------------------------------------------------------------------------
    // Streams

    std::shared_ptr<Stream> feeding(DocState& doc, const std::shared_ptr<CachedSuggestion>& entry) {
        for (auto* stream : {&doc.live, &doc.prefetch})
            if (*stream && (*stream)->entry == entry && !(*stream)->ended) return *stream;
        return nullptr;
    }

    void cancelStream(std::shared_ptr<Stream>& slot) {
        std::shared_ptr<Stream> stream = std::move(slot);
        slot.reset();
        if (!stream || stream->ended) return;
        stream->ended = true;
        stream->call->cancel();
        stream->meter.cancelled(stats);
        cache.erase(stream->entry);  // unfinished: it must not be served as if whole
        std::vector<std::weak_ptr<View>> views = std::move(stream->views);
        stream->views.clear();
        for (auto& view : views) cancelView(view.lock());
    }

    std::shared_ptr<Stream> startStream(const std::string& uri, std::unique_ptr<ShapingSite> site,
                                        ModelRequest request, std::shared_ptr<CachedSuggestion> entry,
                                        bool prefetch, bool invoked) {
        auto stream = std::make_shared<Stream>();
        stream->uri = uri;
        stream->entry = std::move(entry);
        stream->site = std::move(site);
        stream->prefetch = prefetch;
        stream->started = clock.now();
        stream->meter = StreamMeter(stream->started);
        cache.insert(stream->entry);
        std::weak_ptr<Impl> weakSelf = weak_from_this();
        std::weak_ptr<Stream> weakStream = stream;
        stream->call = model.stream(
            std::move(request),
            [weakSelf, weakStream](const StreamUpdate& update) {
                auto self = weakSelf.lock();
                auto stream = weakStream.lock();
                if (self && stream) self->onStreamUpdate(stream, update);
            },
            invoked);
        // Shaping's parse of the original text, while the model thinks: later on the loop,
        // so it does not hold up the request's send.
        clock.after(Clock::Duration::zero(), {}, [weakStream] {
            if (auto stream = weakStream.lock()) stream->site->prepare();
        });
        return stream;
    }

    void onStreamUpdate(const std::shared_ptr<Stream>& stream, const StreamUpdate& update) {
        if (stream->ended) return;
        const Clock::TimePoint arrived = clock.now();
        if (stream->meter.update(stats, update, arrived)) {
            debounce.firstToken(arrived - stream->started);
            handleUpdate(stream, update);
            // Flint's share: shaping this first text and handing it to the editor.
            if (!stream->prefetch) stats.addedMs.add(asMilliseconds(stream->requestSide + (clock.now() - arrived)));
            return;
        }
        handleUpdate(stream, update);
    }

    static double asMilliseconds(Clock::Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

    void handleUpdate(const std::shared_ptr<Stream>& stream, const StreamUpdate& update) {
        stream->raw += update.text;
        bool end = update.end != StreamUpdate::End::None;
        CachedSuggestion& entry = *stream->entry;
        PartialSuggestion step;
        if (!end) {
            step = shapePartial(stream->raw, *stream->site, entry.text);
            // Nothing more the model sends can change the suggestion (its one line is in,
            // its block ended): close the stream early.
            if (step.settled) {
                end = true;
                stream->meter.complete(stats, clock.now());
                stream->call->cancel();
            }
        }
        std::string next = end ? shapeSuggestion(stream->raw, *stream->site, entry.text) : std::move(step.text);
        if (!end) {
            if (next == entry.text && step.lineDone == entry.lineDone) return;
            entry.text = std::move(next);
            entry.lineDone = step.lineDone;
            std::erase_if(stream->views, [](const std::weak_ptr<View>& v) { return v.expired(); });
            for (auto& weak : std::vector(stream->views))
                if (auto view = weak.lock()) deliver(*view, false);
            return;
        }

        // A stream that failed or broke off (a dropped connection, a malformed event, a
        // reply over the size cap) did not give the whole reply: its text is not
        // presented as a whole suggestion. Shaping the cut-off text would end it at
        // whatever the model had written so far, a line it was still writing.
        const bool broken = update.end == StreamUpdate::End::Error || update.end == StreamUpdate::End::Truncated;
        std::string error;
        if (broken) error = update.error.empty() ? "the stream broke off" : update.error;
        if (broken) next.clear();
        entry.text = std::move(next);
        entry.complete = true;
        if (!update.model.empty()) entry.model = update.model;
        entry.usage = update.usage;
        stream->ended = true;
        DocState& doc = docs[stream->uri];
        if (doc.live == stream) doc.live.reset();
        if (doc.prefetch == stream) doc.prefetch.reset();
        // Only whole, non-empty answers are worth serving again.
        if (!error.empty() || entry.text.empty()) cache.erase(stream->entry);
        std::vector<std::weak_ptr<View>> views = std::move(stream->views);
        stream->views.clear();
        for (auto& weak : views)
            if (auto view = weak.lock()) deliver(*view, true, error);
        if (!stream->prefetchAfter.empty()) {
            auto record = records.find(stream->prefetchAfter);
            if (record != records.end()) prefetchAfter(record->second);
        }
    }

    // ----------------------------------------------------------------------------
    // Answering

    void serve(DocState& doc, const std::shared_ptr<View>& view, const CacheMatch& hit) {
        ++stats.cacheHits;
        if (hit.typed > 0) ++stats.typedThroughHits;
        view->entry = hit.entry;
        view->typed = hit.typed;
        view->cached = true;
        chainFor(doc, hit.entry);
        remember(*view);
        std::shared_ptr<Stream> stream = feeding(doc, hit.entry);
        if (stream && stream->prefetch) {
            ++stats.prefetchHits;
            // The user reached the prefetched place: it is the document's stream now.
            if (doc.live && doc.live != stream) cancelStream(doc.live);
            doc.live = stream;
            doc.prefetch.reset();
            stream->prefetch = false;
        } else if (hit.entry->prefetched) {
            ++stats.prefetchHits;
        }
        hit.entry->prefetched = false;
        if (stream) {
            ++stats.liveHits;
            stream->views.push_back(view);
            if (!remainderFor(*view).empty()) deliver(*view, false);
            return;
        }
        deliver(*view, true);
    }

    void answerFromWorkspace(DocState& doc, const std::shared_ptr<View>& view, Document& document) {
        const CompletionContext context = buildCompletionContext(document, view->offset, {});
        const auto match =
            findWorkspaceMatch(workspace, document, view->offset, wantsSingleLine(document, view->offset, context));
        chainFor(doc, nullptr);
        SuggestionUpdate update;
        update.id = view->id;
        update.done = true;
        update.source = SuggestionUpdate::Source::Workspace;
        if (match) {
            update.text = match->text;
            update.fromUri = match->uri;
            update.fromLine = match->line;
        }
        remember(*view, update.text);
        send(*view, std::move(update));
    }

    struct Prepared {
        CompletionContext context;
        ShapingOptions shaping;
        ModelRequest request;
        uint64_t key = 0;
        // What shaping reads from the document, made only when a stream starts (a cache
        // hit needs none).
        std::unique_ptr<ShapingSite> site(const Document& document, size_t offset) const {
            return std::make_unique<ShapingSite>(document, offset, context, shaping);
        }
    };

    Prepared prepare(Document& document, size_t offset, const WireFormat& format) {
        Prepared p;
        p.context = sources ? buildCompletionContext(workspace, document, offset, *sources)
                            : buildCompletionContext(document, offset, {});
        if (p.context.redactions) spdlog::debug("inline completion: {} secret(s) redacted from the request", p.context.redactions);
        const bool singleLine = !settings.multiLine || wantsSingleLine(document, offset, p.context);
        p.shaping = {.singleLine = singleLine, .fromChat = !isFillInTheMiddle(format)};
        // A bad template setting was reported when the configuration was applied.
        std::string templateError;
        const PromptTemplate* fimTemplate =
            sources ? choosePromptTemplate(sources->settings.fimTemplate, model.modelName(), format, templateError)
                    : nullptr;
        p.request = buildCompletionRequest(p.context, format,
                                           singleLine ? settings.maxTokensSingleLine : settings.maxTokensMultiLine,
                                           {.fimTemplate = fimTemplate});
        p.key = requestKey(p.request, model.identity());
        return p;
    }

    // An entry under `key` that can answer at `offset` as it is (nothing typed).
    std::optional<CacheMatch> exactHit(DocState& doc, uint64_t key, std::string_view text, size_t offset) {
        std::shared_ptr<CachedSuggestion> entry = cache.find(key);
        if (!entry || !continuesAt(*entry, text, offset, 0)) return std::nullopt;
        if (entry->complete ? entry->text.empty() : !feeding(doc, entry)) return std::nullopt;
        return CacheMatch{entry, 0};
    }

    void startModel(const std::shared_ptr<View>& view) {
        if (view->done) return;
        DocState& doc = docs[view->uri];
        Document* document = workspace.find(view->uri);
        if (!document) return cancelView(view);
        const WireFormat* format = model.format();
        if (!format) return answerFromWorkspace(doc, view, *document);
        const Clock::TimePoint began = clock.now();
        Prepared p = prepare(*document, view->offset, *format);
        const std::string& text = document->text().str();
        if (auto hit = exactHit(doc, p.key, text, view->offset)) return serve(doc, view, *hit);

        // One model stream per document: this one supersedes the last, and the
        // prefetch (the user is not where it assumed).
        cancelStream(doc.live);
        cancelStream(doc.prefetch);
        auto entry = std::make_shared<CachedSuggestion>(anchorAt(view->uri, text, view->offset));
        entry->key = p.key;
        view->entry = entry;
        view->typed = 0;
        chainFor(doc, entry);
        remember(*view);
        ++stats.modelRequests;
        doc.live = startStream(view->uri, p.site(*document, view->offset), std::move(p.request), entry, false,
                               view->invoked);
        doc.live->requestSide = clock.now() - began;
        doc.live->views.push_back(view);
    }

    // Suggestions belong to the model that made them: when another model takes over
    // (a configuration change), its predecessor's streams stop and its answers go.
    void followModel() {
        std::string identity = model.identity();
        if (identity == modelIdentity) return;
        modelIdentity = std::move(identity);
        for (auto& [uri, doc] : docs) {
            cancelView(doc.view);
            cancelStream(doc.live);
            cancelStream(doc.prefetch);
        }
        cache.clear();
    }

    void request(const InlineRequest& request, CancellationToken token, Listener listener) {
        ++stats.requests;
        followModel();
        auto view = std::make_shared<View>();
        view->id = std::to_string(nextId++);
        view->uri = request.uri;
        view->offset = request.offset;
        view->invoked = request.trigger == TriggerKind::Invoked;
        view->listener = std::move(listener);
        Document* document = workspace.find(request.uri);
        // An excluded file (.gitignore, .flintignore, a secret file) is never sent anywhere.
        if (document && sources && sources->excludes(request.uri)) {
            spdlog::debug("inline completion: {} is excluded from prompts: no suggestion", request.uri);
            document = nullptr;
        }
        if (!document) {
            SuggestionUpdate update;
            update.id = view->id;
            update.done = true;
            return send(*view, std::move(update));
        }
        DocState& doc = docs[request.uri];
        cancelView(doc.view);
        view->offset = std::min(view->offset, document->text().size());
        doc.view = view;
        token.onCancel([weakSelf = weak_from_this(), weakView = std::weak_ptr<View>(view)] {
            auto self = weakSelf.lock();
            auto view = weakView.lock();
            if (!self || !view || view->done) return;
            ++self->stats.requestsCancelled;
            self->cancelView(view);
        });
        if (view->done) return;

        if (auto hit = cache.match(request.uri, document->text().str(), view->offset)) {
            // An unfinished entry no stream feeds any more cannot grow: not an answer.
            if (hit->entry->complete || feeding(doc, hit->entry)) return serve(doc, view, *hit);
            cache.erase(hit->entry);
        }
        if (!model.format()) return answerFromWorkspace(doc, view, *document);

        const Clock::Duration wait = request.trigger == TriggerKind::Automatic ? debounce.delay() : Clock::Duration::zero();
        if (wait > Clock::Duration::zero()) {
            clock.after(wait, view->wait.token(), [weakSelf = weak_from_this(), view] {
                if (auto self = weakSelf.lock()) self->startModel(view);
            });
            return;
        }
        startModel(view);
    }

    // ----------------------------------------------------------------------------
    // Document changes and prefetch

    void documentChanged(const std::string& uri) {
        debounce.keystroke(clock.now());
        auto it = docs.find(uri);
        if (it == docs.end()) return;
        DocState& doc = it->second;
        // An answer in progress was for the old text: it no longer fits.
        cancelView(doc.view);
        doc.view.reset();
        // A prefetch stays while the user is still on the way to its place (typing the
        // suggestion it assumed, or having accepted it); any other edit diverged from it.
        if (doc.prefetch && doc.prefetch->parent) {
            const Document* document = workspace.find(uri);
            if (!document || !typedFrom(*doc.prefetch->parent, document->text().str(), doc.prefetch->parentStart))
                cancelStream(doc.prefetch);
        }
    }

    void documentClosed(const std::string& uri) {
        auto it = docs.find(uri);
        if (it == docs.end()) return;
        DocState& doc = it->second;
        cancelView(doc.view);
        cancelStream(doc.live);
        cancelStream(doc.prefetch);
        endChain(doc.chain);
        cache.eraseDocument(uri);
        docs.erase(it);
    }

    bool withinPrefetchBudget() {
        const Clock::TimePoint now = clock.now();
        while (!prefetchTimes.empty() && now - prefetchTimes.front() >= kPrefetchWindow) prefetchTimes.pop_front();
        if (static_cast<int>(prefetchTimes.size()) >= settings.prefetchPerMinute) return false;
        prefetchTimes.push_back(now);
        return true;
    }

    // Fetches the suggestion that would follow `record` if the user accepted it.
    void prefetchAfter(const Record& record) {
        if (!settings.prefetch || !record.entry) return;
        auto chain = chains.find(record.chain);
        if (chain == chains.end() || chain->second.ended || chain->second.prefetched) return;
        const CachedSuggestion& entry = *record.entry;
        if (!entry.complete) {
            // Still streaming: the whole suggestion is not known yet.
            auto docIt = docs.find(record.uri);
            if (docIt == docs.end()) return;
            if (auto stream = feeding(docIt->second, record.entry)) stream->prefetchAfter = record.id;
            return;
        }
        if (entry.text.size() <= record.typed) return;
        Document* document = workspace.find(record.uri);
        const WireFormat* format = model.format();
        if (!document || !format) return;
        const std::string& text = document->text().str();
        const size_t start = record.offset - record.typed;  // where the suggestion goes
        const std::optional<size_t> typed = typedFrom(entry, text, start);
        if (!typed) return;  // the user has moved on
        const std::string rest = entry.text.substr(*typed);
        const size_t cursor = start + entry.text.size();  // after the whole suggestion
        std::unique_ptr<Document> accepted;
        Document* target = document;
        if (!rest.empty()) {
            accepted = document->withInsertion(start + *typed, rest);
            target = accepted.get();
        }
        DocState& doc = docs[record.uri];
        if (cache.match(record.uri, target->text().str(), cursor)) {
            chain->second.prefetched = true;  // already there
            return;
        }
        if (!withinPrefetchBudget()) {
            ++stats.prefetchesSkipped;
            return;
        }
        chain->second.prefetched = true;
        Prepared p = prepare(*target, cursor, *format);
        if (exactHit(doc, p.key, target->text().str(), cursor)) return;
        cancelStream(doc.prefetch);
        auto next = std::make_shared<CachedSuggestion>(anchorAt(record.uri, target->text().str(), cursor));
        next->key = p.key;
        next->prefetched = true;
        ++stats.prefetches;
        doc.prefetch = startStream(record.uri, p.site(*target, cursor), std::move(p.request), next, true, false);
        doc.prefetch->parent = record.entry;
        doc.prefetch->parentStart = start;
    }

    // ----------------------------------------------------------------------------
    // Feedback

    void shown(const std::string& id) {
        auto it = records.find(id);
        if (it == records.end()) return;
        Chain* chain = chainOf(it->second, false);
        if (!chain) return;
        if (!chain->shown) {
            chain->shown = true;
            ++stats.shown;
        }
        prefetchAfter(it->second);
    }

    void accepted(const std::string& id) {
        auto it = records.find(id);
        if (it == records.end()) return;
        Chain* chain = chainOf(it->second, true);
        if (!chain) return;
        chain->shown = true;
        if (!chain->accepted) {
            chain->accepted = true;
            ++stats.accepted;
        }
        prefetchAfter(it->second);
    }

    void partiallyAccepted(const std::string& id, size_t) {
        auto it = records.find(id);
        if (it == records.end()) return;
        Chain* chain = chainOf(it->second, true);
        if (!chain) return;
        chain->shown = true;
        if (!chain->partial) {
            chain->partial = true;
            ++stats.partiallyAccepted;
        }
    }

    std::string suggestionText(const std::string& id) const {
        auto it = records.find(id);
        if (it == records.end()) return {};
        const Record& r = it->second;
        if (!r.entry) return r.text;
        return r.entry->text.size() > r.typed ? r.entry->text.substr(r.typed) : std::string();
    }
};

InlineCompletionEngine::InlineCompletionEngine(Workspace& workspace, CompletionModel& model, Clock& clock,
                                               ContextSources* sources)
    : impl_(std::make_shared<Impl>(workspace, model, clock, sources)) {}

InlineCompletionEngine::~InlineCompletionEngine() = default;

InlineSettings adaptedToSlowModel(InlineSettings settings) {
    settings.multiLine = false;
    settings.maxTokensMultiLine = std::min(settings.maxTokensMultiLine, settings.maxTokensSingleLine);
    settings.prefetch = false;
    const AdaptiveDebounce::Duration floor = std::min<AdaptiveDebounce::Duration>(
        std::chrono::milliseconds(150), settings.debounce.ceiling);
    settings.debounce.floor = std::max(settings.debounce.floor, floor);
    return settings;
}

void InlineCompletionEngine::configure(const InlineSettings& settings) {
    impl_->settings = settings;
    impl_->debounce.configure(settings.debounce);
    impl_->cache.setCapacity(settings.cacheEntries);
}

void InlineCompletionEngine::request(const InlineRequest& request, CancellationToken token, Listener listener) {
    impl_->request(request, std::move(token), std::move(listener));
}

void InlineCompletionEngine::documentChanged(const std::string& uri) { impl_->documentChanged(uri); }
void InlineCompletionEngine::documentClosed(const std::string& uri) { impl_->documentClosed(uri); }
void InlineCompletionEngine::shown(const std::string& id) { impl_->shown(id); }
void InlineCompletionEngine::accepted(const std::string& id) { impl_->accepted(id); }
void InlineCompletionEngine::partiallyAccepted(const std::string& id, size_t acceptedBytes) {
    impl_->partiallyAccepted(id, acceptedBytes);
}
std::string InlineCompletionEngine::suggestionText(const std::string& id) const { return impl_->suggestionText(id); }
const InlineStats& InlineCompletionEngine::stats() const { return impl_->stats; }
const AdaptiveDebounce& InlineCompletionEngine::debounce() const { return impl_->debounce; }
size_t InlineCompletionEngine::cacheSize() const { return impl_->cache.size(); }

} // namespace flint
