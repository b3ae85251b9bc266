#include "suggest/NextEditEngine.h"

#include "context/ContextSources.h"
#include "context/NextEditContext.h"
#include "model/Budget.h"
#include "model/Provider.h"
#include "suggest/NextEditPrompt.h"
#include "suggest/RegionPrediction.h"
#include "suggest/StreamingDiff.h"
#include "workspace/Language.h"
#include "workspace/Workspace.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <map>

namespace flint {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

} // namespace

struct NextEditEngine::Impl : std::enable_shared_from_this<Impl> {
    struct Waiter {
        size_t offset = 0;
        bool insertionAsCompletion = false;
        Done done;
        bool answered = false;
    };

    struct Prediction {
        std::string id;
        std::string uri;
        int64_t version = 0;
        uint64_t revision = 0;  // the document history this prediction is in step with
        RegionPrediction region;
        bool virtualNewline = false;  // the region has no final newline; the diff was given one
        std::unique_ptr<StreamingDiff> diff;
        std::unique_ptr<RewriteReader> reader;
        std::shared_ptr<ProviderCall> call;
        std::vector<std::shared_ptr<Waiter>> waiters;
        bool complete = false;
        // For the figures: the stream's timing, Flint's time before it was handed to the
        // provider, and whether its first answer was timed yet.
        StreamMeter meter{TimePoint{}};
        std::chrono::steady_clock::duration requestSide{};
        bool addedSampled = false;
        explicit Prediction(RegionPrediction r) : region(std::move(r)) {}
    };

    // What became of a suggestion the user may have seen (by id, the newest few).
    struct Outcome {
        enum class State { Open, Accepted, Rejected, Typed };
        std::string id;
        bool shown = false;
        State state = State::Open;
    };

    Workspace& workspace;
    Schedule schedule;
    Clock clock;
    std::vector<std::string> roots;
    const ContextSources* sources = nullptr;  // the server's: exclusions, workspace folders
    ExcludedDocument excluded;                // sources->excludes, for the context builder
    // `disabledGlobs` as gitignore rules, parsed again only when the setting changes.
    std::vector<std::string> disabledGlobs;
    IgnoreRules disabledPaths;
    std::map<std::string, std::shared_ptr<Prediction>> byUri;
    // Recently offered suggestions: an accept may come after the prediction is gone.
    std::deque<std::pair<std::string, std::pair<std::string, std::string>>> recent;  // id → (uri, note)
    Budget budget;  // nextEdit.tokensPerMinute: a request goes only if its estimate fits
    Stats stats;
    std::deque<Outcome> outcomes;
    uint64_t nextId = 1;

    Impl(Workspace& w, Schedule s, Clock c) : workspace(w), schedule(std::move(s)), clock(std::move(c)) {
        if (!clock) clock = [] { return std::chrono::steady_clock::now(); };
    }

    Outcome* outcomeOf(const std::string& id) {
        for (Outcome& o : outcomes)
            if (o.id == id) return &o;
        return nullptr;
    }

    // A suggestion goes: shown and neither accepted nor typed out, it was rejected.
    void settle(const std::string& id, const std::string& why) {
        Outcome* o = outcomeOf(id);
        if (!o || !o->shown || o->state != Outcome::State::Open) return;
        if (why == "typed") {
            o->state = Outcome::State::Typed;
            return;
        }
        o->state = Outcome::State::Rejected;
        ++stats.rejected;
    }

    // An offered suggestion, for accepted() to find.
    void remember(const std::string& id, const std::string& uri, std::string note) {
        std::erase_if(recent, [&](const auto& entry) { return entry.first == id; });
        recent.push_back({id, {uri, std::move(note)}});
        while (recent.size() > 32) recent.pop_front();
    }

    ~Impl() {
        for (auto& [uri, p] : byUri)
            if (p->call) p->call->cancel();
    }

    // The edits a prediction offers now, in document offsets.
    std::vector<TextEdit> currentEdits(const Prediction& p) const {
        const std::vector<TextEdit>& local = p.complete ? p.region.edits() : p.diff->edits();
        std::vector<TextEdit> out;
        out.reserve(local.size());
        for (const TextEdit& e : local) {
            // The virtual final newline is not in the document: never edit past its end.
            const size_t size = p.region.regionText().size();
            TextEdit edit{p.region.regionStart() + std::min(e.start, size), p.region.regionStart() + std::min(e.end, size), e.text};
            if (p.virtualNewline && e.end > size && edit.text.ends_with('\n')) edit.text.pop_back();
            if (edit.start == edit.end && edit.text.empty()) continue;
            out.push_back(std::move(edit));
        }
        return out;
    }

    NextEditSuggestion suggestionFor(const Prediction& p, const Waiter& w, const NextEditSettings& settings) const {
        const size_t cursor = w.offset;
        NextEditSuggestion s;
        s.id = p.id;
        s.uri = p.uri;
        s.version = p.version;
        s.complete = p.complete;
        s.edits = currentEdits(p);
        if (w.insertionAsCompletion)
            std::erase_if(s.edits, [&](const TextEdit& e) { return e.start == cursor && e.end == cursor; });
        const Document* doc = workspace.find(p.uri);
        if (!doc || s.edits.empty()) return s;
        const Text& text = doc->text();
        const uint32_t cursorLine = text.lineOf(cursor);
        uint32_t bestDistance = UINT32_MAX;
        for (size_t i = 0; i < s.edits.size(); ++i) {
            const uint32_t first = text.lineOf(s.edits[i].start), last = text.lineOf(s.edits[i].end);
            const uint32_t distance = cursorLine < first ? first - cursorLine : cursorLine > last ? cursorLine - last : 0;
            // Ties go to the edit below the cursor: the next edit is more often further down.
            if (distance < bestDistance || (distance == bestDistance && first >= cursorLine && s.edits[s.best].start < cursor)) {
                bestDistance = distance;
                s.best = i;
            }
        }
        s.jump = bestDistance > settings.nearLines;
        return s;
    }

    void answer(const std::shared_ptr<Prediction>& p, const std::shared_ptr<Waiter>& w, const NextEditSettings& settings) {
        if (w->answered) return;
        NextEditSuggestion s = suggestionFor(*p, *w, settings);
        // A jump is offered only after a pause in typing.
        if (s.jump && settings.quietTime.count() > 0) {
            const Document* doc = workspace.find(p->uri);
            const auto last = doc ? doc->history().lastChange() : std::nullopt;
            const TimePoint now = clock();
            if (last && now - *last < settings.quietTime) {
                const auto wait = std::chrono::ceil<std::chrono::milliseconds>(settings.quietTime - (now - *last));
                std::weak_ptr<Impl> weak = weak_from_this();
                std::weak_ptr<Prediction> weakPrediction = p;
                schedule(wait, [weak, weakPrediction, w, settings] {
                    auto self = weak.lock();
                    auto prediction = weakPrediction.lock();
                    if (!self || w->answered) return;
                    const auto it = prediction ? self->byUri.find(prediction->uri) : self->byUri.end();
                    if (it == self->byUri.end() || it->second != prediction) return self->answerEmpty(w, "superseded");
                    self->answer(prediction, w, settings);
                });
                return;
            }
        }
        w->answered = true;
        std::erase(p->waiters, w);
        if (const Document* doc = workspace.find(p->uri); doc && !s.edits.empty()) {
            const uint32_t line = doc->text().lineOf(s.edits[s.best].start) + 1;
            remember(s.id, s.uri, "the edit at line " + std::to_string(line) + " of " + displayPath(s.uri, roots));
        }
        w->done(std::move(s));
    }

    void answerEmpty(const std::shared_ptr<Waiter>& w, std::string why, const std::string& uri = {}, int64_t version = 0) {
        if (w->answered) return;
        w->answered = true;
        NextEditSuggestion s;
        s.uri = uri;
        s.version = version;
        s.skipped = std::move(why);
        w->done(std::move(s));
    }

    // A request answered with nothing before any model call.
    void skip(const std::shared_ptr<Waiter>& w, std::string why, const std::string& uri, int64_t version = 0) {
        ++stats.skipped[why];
        answerEmpty(w, std::move(why), uri, version);
    }

    // Ends a prediction's life: its stream closes, its waiters get nothing.
    void drop(const std::string& uri, const std::string& why) {
        auto it = byUri.find(uri);
        if (it == byUri.end()) return;
        std::shared_ptr<Prediction> p = it->second;
        byUri.erase(it);
        settle(p->id, why);
        if (p->call) {
            p->call->cancel();
            p->meter.cancelled(stats);
        }
        for (auto& w : std::vector(p->waiters)) answerEmpty(w, why, p->uri, p->version);
        p->waiters.clear();
    }

    // `whole`: the model finished its reply. `broken`: the stream failed or broke off.
    void finishStream(const std::shared_ptr<Prediction>& p, bool whole, bool broken, const NextEditSettings& settings) {
        if (p->complete) return;
        std::string original = p->region.regionText();
        std::vector<TextEdit> edits;
        std::string rewrite;
        if (whole && p->reader->started()) {
            p->diff->append(p->reader->finish());
            p->diff->finish();
            rewrite = p->diff->rewrite();
            edits = p->diff->edits();
            if (p->virtualNewline) {
                if (rewrite.ends_with('\n')) rewrite.pop_back();
                edits = diffText(original, rewrite);
            }
            // An empty reply is a failure to answer, not a request to delete the region.
            if (rewrite.empty() && !original.empty()) {
                edits.clear();
                rewrite = original;
            }
        } else {
            // The stream broke or was cut: the hunks already anchored still stand.
            edits = p->diff->edits();
            rewrite = applyEdits(original, edits);
            // None had been: this is no answer, not "nothing to change". Kept in the
            // store it would answer the next request at this version with nothing, and
            // next-edit would not come back after the fault until the user typed.
            if (broken && edits.empty()) {
                p->complete = true;
                if (auto it = byUri.find(p->uri); it != byUri.end() && it->second == p) drop(p->uri, "failed");
                return;
            }
        }
        p->region.complete(std::move(rewrite), std::move(edits));
        p->complete = true;
        p->diff.reset();
        p->reader.reset();
        for (auto& w : std::vector(p->waiters)) answer(p, w, settings);
    }

    void onUpdate(const std::shared_ptr<Prediction>& p, const StreamUpdate& update, const NextEditSettings& settings) {
        const TimePoint arrived = clock();
        p->meter.update(stats, update, arrived);
        consume(p, update, settings);
        // Flint's own time, once per stream: before the request left, plus from the text
        // that made the first hunk certain (or ended the stream) to the answers given.
        if (!p->addedSampled && (p->complete || (p->diff && !p->diff->edits().empty()))) {
            p->addedSampled = true;
            stats.addedMs.add(std::chrono::duration<double, std::milli>(p->requestSide + (clock() - arrived)).count());
        }
    }

    void consume(const std::shared_ptr<Prediction>& p, const StreamUpdate& update, const NextEditSettings& settings) {
        bool grew = false;
        if (!update.text.empty()) {
            const std::string clean = p->reader->feed(update.text);
            if (!clean.empty()) grew = p->diff->append(clean);
        }
        if (update.end != StreamUpdate::End::None) {
            const bool broken = update.end == StreamUpdate::End::Error || update.end == StreamUpdate::End::Truncated;
            if (broken) spdlog::info("next edit for {}: {}", p->uri, update.error);
            p->call.reset();
            return finishStream(p, update.end == StreamUpdate::End::Stop, broken, settings);
        }
        if (p->reader->ended()) {
            // The region is complete; whatever the model adds after it is not needed.
            p->meter.complete(stats, clock());
            p->call->cancel();
            p->call.reset();
            return finishStream(p, true, false, settings);
        }
        if (grew)
            for (auto& w : std::vector(p->waiters)) answer(p, w, settings);
    }

    bool disabledFor(const Document& doc, const NextEditSettings& settings) {
        if (!settings.enabled) return true;
        for (const std::string& id : settings.disabledLanguages)
            if (id == doc.languageId() || (doc.language() && id == doc.language()->name())) return true;
        return disabledByPath(doc.uri(), settings.disabledGlobs);
    }

    // `disabledGlobs` are read as `context.exclude` is: gitignore syntax from the
    // workspace folder's root (Exclusions::matchesFromRoot).
    bool disabledByPath(const std::string& uri, const std::vector<std::string>& globs) {
        if (globs.empty()) return false;
        if (globs != disabledGlobs) {
            std::string text;
            for (const std::string& glob : globs) (text += glob) += '\n';
            disabledPaths = IgnoreRules::parse(text);
            disabledGlobs = globs;
        }
        static const ContextSources noWorkspace;  // before setExclusions: paths from the filesystem root
        return (sources ? *sources : noWorkspace).matches(disabledPaths, uri);
    }

    void suggest(const Request& request, Provider* provider, const NextEditSettings& settings, CancellationToken token,
                 Done done) {
        const TimePoint began = clock();
        ++stats.requests;
        auto w = std::make_shared<Waiter>();
        w->done = std::move(done);
        Document* doc = workspace.find(request.uri);
        if (!doc) return skip(w, "not-open", request.uri);
        if (request.version && *request.version != doc->version())
            return skip(w, "stale", request.uri, doc->version());
        if (disabledFor(*doc, settings)) return skip(w, "disabled", request.uri, doc->version());
        // An excluded file (.gitignore, .flintignore, a secret file) is never sent anywhere.
        if (excluded && excluded(request.uri)) return skip(w, "excluded", request.uri, doc->version());
        w->offset = std::min(request.offset, doc->text().size());
        w->insertionAsCompletion = request.insertionAsCompletion;
        token.onCancel([w, weak = weak_from_this()] {
            if (w->answered) return;
            w->answered = true;
            if (auto self = weak.lock()) ++self->stats.requestsCancelled;
        });

        if (auto it = byUri.find(request.uri); it != byUri.end()) {
            std::shared_ptr<Prediction> p = it->second;
            const Text& text = doc->text();
            const uint32_t line = text.lineOf(w->offset);
            const uint32_t first = text.lineOf(p->region.regionStart()), last = text.lineOf(p->region.regionEnd());
            const bool inside = w->offset >= p->region.regionStart() && w->offset <= p->region.regionEnd();
            const bool near = line + settings.regionLines >= first && line <= last + settings.regionLines;
            const bool hasEdits = p->complete ? !p->region.edits().empty() : true;
            if (p->version == doc->version() && (inside || (near && hasEdits))) {
                ++stats.cacheHits;
                p->waiters.push_back(w);
                if (p->complete || !p->diff->edits().empty()) answer(p, w, settings);
                return;
            }
            drop(request.uri, "superseded");
        }

        if (!provider) return skip(w, "no-model", request.uri, doc->version());
        const std::string formatName =
            settings.format.empty() ? std::string(defaultNextEditFormat(provider->config().kind)) : settings.format;
        const NextEditFormat* format = findNextEditFormat(formatName);
        const WireFormat* wire = findWireFormat(provider->config().kind);
        if (!format || !wire) return skip(w, "no-format", request.uri, doc->version());

        NextEditBudget contextBudget;
        contextBudget.region.maxLines = settings.regionLines;
        NextEditContext context = buildNextEditContext(workspace, *doc, w->offset, contextBudget, excluded);
        if (context.regionHoldsSecret) return skip(w, "secret", request.uri, doc->version());
        if (context.redactions)
            spdlog::debug("next edit: {} secret(s) redacted from the request", context.redactions);
        ModelRequest modelRequest = buildNextEditRequest(context, *format, *wire, roots);
        // The prompt and the expected reply (about the region again).
        const int64_t estimate = static_cast<int64_t>(
            (modelRequest.system.size() + modelRequest.user.size() + modelRequest.prefix.size() + context.regionText.size()) / 4);
        if (budget.config().tokensPerMinute != settings.tokensPerMinute)
            budget.configure(BudgetConfig{.tokensPerMinute = std::max<int64_t>(settings.tokensPerMinute, 0)});
        if (budget.admit(Priority::Automatic, clock(), estimate, Budget::TokenCheck::Fits))
            return skip(w, "budget", request.uri, doc->version());

        auto p = std::make_shared<Prediction>(RegionPrediction(context.region.start, context.regionText));
        p->id = "ne-" + std::to_string(nextId++);
        p->uri = request.uri;
        p->version = doc->version();
        p->revision = doc->history().revision();
        p->virtualNewline = !context.regionText.empty() && !context.regionText.ends_with('\n');
        p->diff = std::make_unique<StreamingDiff>(context.regionText + (p->virtualNewline ? "\n" : ""));
        p->reader = std::make_unique<RewriteReader>(*format);
        p->waiters.push_back(w);
        byUri[request.uri] = p;
        outcomes.push_back({p->id});
        while (outcomes.size() > 64) outcomes.pop_front();
        ++stats.modelRequests;
        p->meter = StreamMeter(clock());

        std::weak_ptr<Impl> weak = weak_from_this();
        std::weak_ptr<Prediction> weakPrediction = p;
        p->call = provider->stream(std::move(modelRequest), [weak, weakPrediction, settings](const StreamUpdate& update) {
            auto self = weak.lock();
            auto prediction = weakPrediction.lock();
            if (!self || !prediction || prediction->complete) return;
            auto it = self->byUri.find(prediction->uri);
            if (it == self->byUri.end() || it->second != prediction) return;
            self->onUpdate(prediction, update, settings);
        });
        p->requestSide = clock() - began;
    }

    void documentChanged(const std::string& uri) {
        auto it = byUri.find(uri);
        if (it == byUri.end()) return;
        std::shared_ptr<Prediction> p = it->second;
        const Document* doc = workspace.find(uri);
        if (!doc) return drop(uri, "closed");
        // Whoever waits asked about older text.
        for (auto& w : std::vector(p->waiters)) answerEmpty(w, "superseded", uri, doc->version());
        p->waiters.clear();
        const auto changes = doc->history().replacementsSince(p->revision);
        if (!changes) {
            ++stats.dropped;
            return drop(uri, "changed");
        }
        for (const TextReplacement& change : *changes) {
            switch (p->region.rebase(change)) {
            case RegionPrediction::Rebase::Kept: ++stats.rebased; break;
            case RegionPrediction::Rebase::Completed:
                ++stats.completedByTyping;
                return drop(uri, "typed");
            case RegionPrediction::Rebase::Dropped:
                ++stats.dropped;
                return drop(uri, "conflict");
            }
        }
        p->version = doc->version();
        p->revision = doc->history().revision();
        // "Nothing to change" was said of the old text: the new one deserves a new look.
        if (p->complete && p->region.edits().empty()) drop(uri, "changed");
    }
};

NextEditEngine::NextEditEngine(Workspace& workspace, Schedule schedule, Clock clock)
    : impl_(std::make_shared<Impl>(workspace, std::move(schedule), std::move(clock))) {}

NextEditEngine::~NextEditEngine() = default;

void NextEditEngine::setRoots(std::vector<std::string> roots) { impl_->roots = std::move(roots); }
void NextEditEngine::setExclusions(const ContextSources& sources) {
    impl_->sources = &sources;
    impl_->excluded = [&sources](std::string_view uri) { return sources.excludes(uri); };
}

void NextEditEngine::suggest(const Request& request, Provider* provider, const NextEditSettings& settings,
                             CancellationToken token, Done done) {
    impl_->suggest(request, provider, settings, std::move(token), std::move(done));
}

void NextEditEngine::documentChanged(const std::string& uri) { impl_->documentChanged(uri); }

bool NextEditEngine::shown(const std::string& id) {
    Impl::Outcome* o = impl_->outcomeOf(id);
    if (!o) return false;
    if (!o->shown) {
        o->shown = true;
        ++impl_->stats.shown;
    }
    return true;
}

bool NextEditEngine::accepted(const std::string& id) {
    // The figures: a late accept takes back the rejection; an accepted suggestion was shown.
    if (Impl::Outcome* o = impl_->outcomeOf(id); o && o->state != Impl::Outcome::State::Accepted) {
        if (o->state == Impl::Outcome::State::Rejected) --impl_->stats.rejected;
        if (!o->shown) {
            o->shown = true;
            ++impl_->stats.shown;
        }
        o->state = Impl::Outcome::State::Accepted;
        ++impl_->stats.accepted;
    }
    for (auto it = impl_->recent.begin(); it != impl_->recent.end(); ++it) {
        if (it->first != id) continue;
        const auto [uri, note] = it->second;
        impl_->recent.erase(it);
        if (Document* doc = impl_->workspace.find(uri)) doc->history().markAccepted(note, doc->text());
        return true;
    }
    return false;
}

std::optional<NextEditEngine::Insertion> NextEditEngine::insertionAt(const std::string& uri, int64_t version,
                                                                     size_t offset) {
    auto it = impl_->byUri.find(uri);
    if (it == impl_->byUri.end() || it->second->version != version) return std::nullopt;
    const Impl::Prediction& p = *it->second;
    for (const TextEdit& e : impl_->currentEdits(p)) {
        if (e.start != offset || e.end != offset || e.text.empty()) continue;
        // The accept names the suggestion: it is offered now, as by an answer.
        const std::string note = "the insertion at line " +
                                 std::to_string(impl_->workspace.find(uri)->text().lineOf(offset) + 1) + " of " +
                                 displayPath(uri, impl_->roots);
        impl_->remember(p.id, uri, note);
        return Insertion{p.id, e.text};
    }
    return std::nullopt;
}

const NextEditEngine::Stats& NextEditEngine::stats() const { return impl_->stats; }

} // namespace flint
