// flint/status: one line of health a status bar or statusline can show, sent once
// the client is initialized and again whenever it changes.
//
//   {"method": "flint/status", "params": {"state": "rate-limited",
//     "message": "rate limited by the provider until 12:03:07 UTC",
//     "provider": {"kind": "openai-chat", "endpoint": "https://api.cerebras.ai/v1"},
//     "model": "gpt-oss-120b", "until": "2026-11-24T12:03:07Z", "latencyMs": 212}}
//
// The state is derived, in this order of precedence, from: the configuration (a
// problem with it → "error"; no provider → "no-model"), its local model server
// starting ("starting"), the provider's 429s ("rate-limited" until its Retry-After),
// its budget ("over-budget": automatic requests refused until `until`; invoked ones
// go), calls in flight ("streaming"), and the last call's outcome (a failure →
// "error" until a call succeeds; a 429 or a refusal is no failure: its state ends by
// itself when the wait is over), the provider's
// recent time to first token ("degraded", with its reason and what Flint does about
// it: a fallback provider serving, or budgets adapted; see lsp/Stats.cpp), else "ready".
// It is fed by the provider's typed events (Provider::observe), so features need
// not report anything themselves. Users complain most that completion tools
// "silently don't work": this is where Flint says why.
#include "lsp/ServerContext.h"

#include "stats/ServingStats.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <ctime>
#include <map>
#include <set>

namespace flint::lsp {

namespace {

using Clock = std::chrono::steady_clock;

std::string isoTime(Clock::time_point at, bool timeOnly) {
    const auto wall = std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(at - Clock::now());
    const std::time_t seconds = std::chrono::system_clock::to_time_t(wall + std::chrono::milliseconds(500));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, timeOnly ? "%H:%M:%S UTC" : "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string firstLine(std::string text, size_t limit = 200) {
    if (const size_t eol = text.find('\n'); eol != std::string::npos) text.resize(eol);
    if (text.size() > limit) text = text.substr(0, limit) + "...";
    return text;
}

struct Board : std::enable_shared_from_this<Board> {
    ServerContext& ctx;
    bool initialized = false;
    // The provider being watched: its observer owns `watchToken`, which expires
    // when the provider (and with it the observer) is destroyed.
    Provider* watched = nullptr;
    std::weak_ptr<int> watchToken;
    // Providers already observed (a fallback taking over and handing back must not add
    // observers each time); their tokens expire with them.
    std::map<Provider*, std::weak_ptr<int>> observing;
    std::set<uint64_t> inFlight;
    std::string lastError;
    std::optional<Clock::time_point> limitedUntil;
    std::optional<int64_t> latencyMs;
    std::string servedBy;
    std::unique_ptr<boost::asio::steady_timer> limitTimer;
    json::value lastSent;

    explicit Board(ServerContext& c) : ctx(c) {}

    void watchCurrentProvider() {
        Provider* current = ctx.providerFor(ServerContext::Feature::Inline);
        if (current && current == watched && !watchToken.expired()) return;
        watched = current;
        inFlight.clear();
        lastError.clear();
        limitedUntil.reset();
        latencyMs.reset();
        servedBy.clear();
        if (!current) return;
        std::erase_if(observing, [](const auto& entry) { return entry.second.expired(); });
        if (auto seen = observing.find(current); seen != observing.end()) {
            watchToken = seen->second;
            return;
        }
        auto token = std::make_shared<int>(0);
        watchToken = token;
        observing[current] = token;
        current->observe([weak = weak_from_this(), token, current](const ProviderEvent& event) {
            auto self = weak.lock();
            if (self && self->watched == current) self->onEvent(event);
        });
        // Its local model server starting, and ready: no call says so.
        current->addHealthListener([weak = weak_from_this(), token, current](const ProviderHealth&) {
            auto self = weak.lock();
            if (self && self->watched == current) self->publish();
        });
    }

    void onEvent(const ProviderEvent& event) {
        switch (event.kind) {
        case ProviderEvent::Kind::Started:
            inFlight.insert(event.call);
            break;
        case ProviderEvent::Kind::FirstToken:
            latencyMs = event.elapsed.count();
            break;
        case ProviderEvent::Kind::RateLimited:
            limitedUntil = event.until;
            armTimer();
            break;
        case ProviderEvent::Kind::Ended:
            inFlight.erase(event.call);
            if (!event.model.empty()) servedBy = event.model;
            if (event.cancelled) break;
            // Refused while a wait is on: that wait is the state, not a failure.
            if (event.refused == StreamUpdate::Refusal::Budget || event.refused == StreamUpdate::Refusal::RateLimited ||
                event.refused == StreamUpdate::Refusal::Starting)
                break;
            // A 429 (after any retries) is shown as rate-limited, which ends by itself
            // when its Retry-After has passed: not as an error that stays until a success.
            if (event.status == 429) {
                lastError.clear();
                break;
            }
            if (event.end == StreamUpdate::End::Error || event.end == StreamUpdate::End::Truncated) {
                lastError = event.error.empty() ? std::string("the model request failed") : event.error;
            } else {
                lastError.clear();
                limitedUntil.reset();  // it answered: whatever limit there was is over
            }
            break;
        }
        publish();
        armTimer();
    }

    // Until when the budget pauses automatic requests, as the provider says (an invoked
    // request counts too, and may push it later than the refusal that began the pause).
    std::optional<Clock::time_point> budgetPause(const ProviderHealth& health) const {
        if (!health.budgetUntil) return std::nullopt;
        return Clock::now() + std::chrono::duration_cast<Clock::duration>(*health.budgetUntil -
                                                                          std::chrono::system_clock::now());
    }

    // Publishes again when the nearest wait (Retry-After, a budget) is over.
    void armTimer() {
        if (!ctx.loop) return;
        const auto now = Clock::now();
        std::optional<Clock::time_point> next;
        const Provider* provider = ctx.providerFor(ServerContext::Feature::Inline);
        const std::optional<Clock::time_point> budgetUntil = provider ? budgetPause(provider->health()) : std::nullopt;
        for (const auto& until : {limitedUntil, budgetUntil})
            if (until && *until > now && (!next || *until < *next)) next = until;
        if (!next) return;
        if (!limitTimer) limitTimer = std::make_unique<boost::asio::steady_timer>(*ctx.loop);
        limitTimer->expires_at(*next);
        limitTimer->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (ec) return;
            auto self = weak.lock();
            if (!self) return;
            self->publish();
            self->armTimer();  // the other wait, if one is still on
        });
    }

    json::value summary() const {
        const Provider* provider = ctx.providerFor(ServerContext::Feature::Inline);
        json::object status;
        std::string state;
        std::string message;
        if (!ctx.configurationProblem.empty()) {
            state = "error";
            message = ctx.configurationProblem;
        } else if (!provider) {
            state = "no-model";
            message = "no model configured: suggestions come from matching code in your open files "
                      "(set flint.provider to connect a model)";
        } else if (provider->health().state == ProviderHealth::State::Starting) {
            state = "starting";
            const std::string why = provider->health().lastError;
            message = "starting the local model server" + (why.empty() ? std::string() : ": " + firstLine(why));
        } else if (limitedUntil && *limitedUntil > Clock::now()) {
            state = "rate-limited";
            message = "rate limited by the provider until " + isoTime(*limitedUntil, true);
            status["until"] = isoTime(*limitedUntil, false);
        } else if (const ProviderHealth health = provider->health(); health.budgetUntil && health.budgetLimit) {
            const Clock::time_point until = *budgetPause(health);
            state = "over-budget";
            message = "automatic suggestions paused until " + isoTime(until, true) + ": the " +
                      std::string(toString(*health.budgetLimit)) + " budget is spent (suggestions you ask for still work)";
            status["until"] = isoTime(until, false);
            status["limit"] = toString(*health.budgetLimit);
        } else if (!inFlight.empty()) {
            state = "streaming";
            message = "streaming from " + (servedBy.empty() ? provider->config().model : servedBy);
        } else if (!lastError.empty()) {
            state = "error";
            message = firstLine(lastError);
        } else if (std::string reason = degradedReason(); !reason.empty()) {
            state = "degraded";
            message = "degraded: " + reason;
            status["reason"] = reason;
        } else {
            state = "ready";
            message = "ready: " + provider->config().kind + " at " + provider->config().endpoint.origin();
        }
        status["state"] = state;
        status["message"] = message;
        if (provider) {
            const ProviderConfig& config = provider->config();
            status["provider"] = json::object{{"kind", config.kind},
                                              {"endpoint", config.endpoint.origin() + config.endpoint.basePath}};
            const std::string& model = servedBy.empty() ? config.model : servedBy;
            status["model"] = model.empty() ? json::value(nullptr) : json::value(model);
        } else {
            status["provider"] = nullptr;
            status["model"] = nullptr;
        }
        if (latencyMs) status["latencyMs"] = *latencyMs;
        return status;
    }

    // Why inline completion is degraded ("" when it is not): the route's provider is slow,
    // and what Flint does about it.
    std::string degradedReason() const {
        if (!ctx.serving) return {};
        const std::string primary = ctx.routeNames[static_cast<size_t>(ServerContext::Feature::Inline)];
        const std::string fallback = ctx.fallbackNames[static_cast<size_t>(ServerContext::Feature::Inline)];
        const std::string serving = ctx.providerNameFor(ServerContext::Feature::Inline);
        const std::string reason = ctx.serving->degradedReason(primary);
        if (reason.empty()) return {};
        const std::string who = primary == "default" ? std::string("the model") : "provider '" + primary + "'";
        if (!fallback.empty() && serving == fallback) return who + ": " + reason + "; serving from fallback '" + fallback + "'";
        return who + ": " + reason + "; suggestions are single-line and the debounce waits longer";
    }

    void publish() {
        if (!initialized) return;
        json::value next = summary();
        if (next == lastSent) return;
        lastSent = next;
        spdlog::debug("status: {}", json::serialize(next));
        ctx.notify("flint/status", std::move(next));
    }
};

} // namespace

void registerStatus(ServerContext& ctx) {
    auto board = std::make_shared<Board>(ctx);
    ctx.configurationApplied.push_back([board] {
        board->initialized = true;
        board->watchCurrentProvider();
        board->publish();
    });
    ctx.servingChanged.push_back([board] {
        board->watchCurrentProvider();
        board->publish();
    });
}

} // namespace flint::lsp
