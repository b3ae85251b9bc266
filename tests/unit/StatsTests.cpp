// The statistics module (stats/): sliding-window quantiles, provider figures from
// typed events, the degraded judgement with its probe, the Prometheus rendering,
// and what a slow model changes in inline completion's settings.
#include "stats/FeatureStats.h"
#include "stats/Metrics.h"
#include "stats/SampleWindow.h"
#include "stats/ServingStats.h"
#include "suggest/InlineCompletionEngine.h"
#include "suggest/InlineStats.h"

#include <catch2/catch.hpp>

using namespace flint;
using namespace std::chrono_literals;

namespace {

ProviderEvent event(ProviderEvent::Kind kind, uint64_t call, std::chrono::milliseconds elapsed = 0ms) {
    ProviderEvent e;
    e.kind = kind;
    e.call = call;
    e.elapsed = elapsed;
    return e;
}

ProviderEvent ended(uint64_t call, StreamUpdate::End end, std::chrono::milliseconds elapsed = 100ms) {
    ProviderEvent e = event(ProviderEvent::Kind::Ended, call, elapsed);
    e.end = end;
    e.status = 200;
    return e;
}

// One whole call: started, first token after `ttft`, `deltas` text events, ended at `total`.
bool call(ServingStats& stats, uint64_t id, std::chrono::milliseconds ttft, ServingStats::TimePoint now,
          size_t deltas = 5, std::chrono::milliseconds total = 0ms) {
    bool changed = stats.record("p", event(ProviderEvent::Kind::Started, id), now);
    changed |= stats.record("p", event(ProviderEvent::Kind::FirstToken, id, ttft), now);
    ProviderEvent end = ended(id, StreamUpdate::End::Stop, total == 0ms ? ttft + 100ms : total);
    end.deltas = deltas;
    changed |= stats.record("p", end, now);
    return changed;
}

} // namespace

TEST_CASE("sample window: nearest-rank quantiles over the newest samples only") {
    SampleWindow w(10);
    CHECK_FALSE(w.quantiles());
    CHECK_FALSE(w.recentMedian(3));
    for (int i = 1; i <= 4; ++i) w.add(i);
    CHECK(*w.quantile(0.5) == 2);
    CHECK(*w.quantile(0.99) == 4);
    for (int i = 5; i <= 100; ++i) w.add(i);  // the window keeps 91..100
    CHECK(w.size() == 10);
    CHECK(w.count() == 100);
    CHECK(w.sum() == 5050);
    const auto q = *w.quantiles();
    CHECK(q.p50 == 95);
    CHECK(q.p90 == 99);
    CHECK(q.p99 == 100);
    CHECK(*w.recentMedian(3) == 99);  // of 98, 99, 100
    w.clear();
    CHECK(w.size() == 0);
    CHECK_FALSE(w.quantiles());
    CHECK(w.count() == 100);  // all-time figures stay
}

TEST_CASE("serving stats: requests, completions, cancellations and the decode rate") {
    ServingStats stats;
    const auto now = std::chrono::steady_clock::now();
    call(stats, 1, 100ms, now, 11, 600ms);  // 10 events after the first in 0.5 s
    stats.record("p", event(ProviderEvent::Kind::Started, 2), now);
    ProviderEvent cancelled = event(ProviderEvent::Kind::Ended, 2, 50ms);
    cancelled.cancelled = true;
    stats.record("p", cancelled, now);
    const ProviderFigures& f = *stats.provider("p");
    CHECK(f.requests == 2);
    CHECK(f.completed == 1);
    CHECK(f.cancelled == 1);
    CHECK(f.failed == 0);
    CHECK(f.errors.empty());
    CHECK(f.tokensPerSecond.quantile(0.5) == Approx(20.0));
    CHECK(f.firstTokens.empty());  // nothing left behind for ended calls
}

TEST_CASE("serving stats: errors by kind, refusals and the rate limit") {
    ServingStats stats;
    const auto now = std::chrono::steady_clock::now();
    auto fail = [&](uint64_t id, int status, StreamUpdate::End end, bool timedOut = false,
                    StreamUpdate::Refusal refused = StreamUpdate::Refusal::None) {
        stats.record("p", event(ProviderEvent::Kind::Started, id), now);
        ProviderEvent e = ended(id, end, 5000ms);
        e.status = status;
        e.timedOut = timedOut;
        e.refused = refused;
        stats.record("p", e, now);
    };
    ProviderEvent limited = event(ProviderEvent::Kind::RateLimited, 1);
    limited.until = now + 3s;
    stats.record("p", limited, now);
    fail(1, 429, StreamUpdate::End::Error);
    fail(2, 503, StreamUpdate::End::Error);
    fail(3, 401, StreamUpdate::End::Error);
    fail(4, 0, StreamUpdate::End::Error);
    fail(5, 200, StreamUpdate::End::Truncated);
    fail(6, 200, StreamUpdate::End::Error);
    fail(7, 200, StreamUpdate::End::Error, true);
    fail(8, 0, StreamUpdate::End::Error, false, StreamUpdate::Refusal::Budget);
    const ProviderFigures& f = *stats.provider("p");
    CHECK(f.rateLimited == 1);
    REQUIRE(f.rateLimitedUntil);
    CHECK(*f.rateLimitedUntil == now + 3s);
    CHECK(f.failed == 8);
    CHECK(f.refused == 1);
    CHECK(f.errors == std::map<std::string, uint64_t>{{"rate-limited", 1}, {"http-5xx", 1}, {"http-4xx", 1},
                                                      {"transport", 1}, {"truncated", 1}, {"stream", 1},
                                                      {"timeout", 1}, {"refused-budget", 1}});
    call(stats, 9, 10ms, now);
    CHECK_FALSE(stats.provider("p")->rateLimitedUntil);  // it answered
}

TEST_CASE("serving stats: slow first tokens raise the quantiles and make the provider degraded, a probe clears it") {
    ServingStats stats;
    stats.configure({.ttftThreshold = 500ms, .recentSamples = 5, .minSamples = 3, .probeAfter = 10s});
    auto now = std::chrono::steady_clock::now();
    for (uint64_t i = 1; i <= 10; ++i) CHECK_FALSE(call(stats, i, 100ms, now));
    CHECK(stats.provider("p")->ttftMs.quantiles()->p90 == 100);
    CHECK_FALSE(stats.degraded("p", now));

    CHECK_FALSE(call(stats, 11, 2000ms, now));  // one slow answer is not a trend
    CHECK_FALSE(call(stats, 12, 2000ms, now));
    CHECK(call(stats, 13, 2000ms, now));  // three of the last five: the median is slow
    CHECK(stats.degraded("p", now));
    CHECK(stats.degradedReason("p") == "recent median time to first token 2000 ms (over 500 ms)");
    const auto q = *stats.provider("p")->ttftMs.quantiles();
    CHECK(q.p50 == 100);  // 10 fast, 3 slow
    CHECK(q.p90 == 2000);
    CHECK(q.p99 == 2000);

    // Until the probe is due, requests avoid it; then one request decides.
    CHECK(stats.degraded("p", now + 9s));
    CHECK_FALSE(stats.degraded("p", now + 11s));
    CHECK_FALSE(call(stats, 14, 3000ms, now + 11s));  // still slow: degraded for another 10 s
    CHECK(stats.degraded("p", now + 12s));
    CHECK(stats.provider("p")->degraded);
    CHECK(call(stats, 15, 80ms, now + 22s));  // fast again
    CHECK_FALSE(stats.degraded("p", now + 22s));
    CHECK(stats.degradedReason("p").empty());
}

TEST_CASE("serving stats: a first-token timeout counts as a slow first token, adaptive off judges nothing") {
    ServingStats stats;
    stats.configure({.ttftThreshold = 500ms, .recentSamples = 3, .minSamples = 3});
    const auto now = std::chrono::steady_clock::now();
    bool changed = false;
    for (uint64_t i = 1; i <= 3; ++i) {
        stats.record("p", event(ProviderEvent::Kind::Started, i), now);
        ProviderEvent e = ended(i, StreamUpdate::End::Error, 1500ms);
        e.timedOut = true;
        changed |= stats.record("p", e, now);
    }
    CHECK(changed);
    CHECK(stats.degraded("p", now));
    CHECK(stats.provider("p")->errors.at("timeout") == 3);

    stats.configure({.enabled = false});
    CHECK_FALSE(stats.degraded("p", now));
    for (uint64_t i = 4; i <= 10; ++i) CHECK_FALSE(call(stats, i, 5000ms, now));
    CHECK_FALSE(stats.provider("p")->degraded);
}

TEST_CASE("metrics: Prometheus text with help, type, labels, summaries and escaping") {
    ServingStats stats;
    const auto now = std::chrono::steady_clock::now();
    call(stats, 1, 200ms, now);
    stats.record("we\"ird", event(ProviderEvent::Kind::Started, 1), now);
    InlineStats inlineStats;
    inlineStats.shown = 4;
    inlineStats.accepted = 1;
    inlineStats.addedMs.add(0.5);
    const std::string text = prometheusText(collectMetrics(
        stats, {{.feature = "inline", .provider = "p", .stats = &inlineStats,
                 .outcomes = {{"shown", inlineStats.shown}, {"accepted", inlineStats.accepted}}}}));
    CHECK(text.find("# TYPE flint_provider_requests_total counter\n") != std::string::npos);
    CHECK(text.find("flint_provider_requests_total{provider=\"p\"} 1\n") != std::string::npos);
    CHECK(text.find("flint_provider_requests_total{provider=\"we\\\"ird\"} 1\n") != std::string::npos);
    CHECK(text.find("# TYPE flint_provider_time_to_first_token_seconds summary\n") != std::string::npos);
    CHECK(text.find("flint_provider_time_to_first_token_seconds{provider=\"p\",quantile=\"0.5\"} 0.2\n") != std::string::npos);
    CHECK(text.find("flint_provider_time_to_first_token_seconds_count{provider=\"p\"} 1\n") != std::string::npos);
    CHECK(text.find("flint_feature_suggestions_total{feature=\"inline\",outcome=\"shown\"} 4\n") != std::string::npos);
    CHECK(text.find("flint_feature_suggestions_total{feature=\"inline\",outcome=\"accepted\"} 1\n") != std::string::npos);
    CHECK(text.find("flint_feature_added_seconds{feature=\"inline\",quantile=\"0.99\"} 0.0005\n") != std::string::npos);
    CHECK(text.find("flint_provider_degraded{provider=\"p\"} 0\n") != std::string::npos);
    // An empty window has no quantile lines, but its count and sum.
    CHECK(text.find("flint_feature_time_to_first_token_seconds_count{feature=\"inline\"} 0\n") != std::string::npos);
    CHECK(text.find("flint_feature_time_to_first_token_seconds{feature=\"inline\",quantile") == std::string::npos);
}

TEST_CASE("metrics: every feature's common figures, outcomes and own counters, one family per name") {
    ServingStats stats;
    FeatureStats nextEdit, actions;
    nextEdit.requests = 7;
    nextEdit.errors["http-5xx"] = 2;
    nextEdit.tokensPerSecond.add(800);
    actions.requestsCancelled = 1;
    const std::vector<Metric> metrics = collectMetrics(
        stats, {{.feature = "nextEdit", .stats = &nextEdit, .outcomes = {{"shown", 3}, {"rejected", 2}},
                 .counters = {{"flint_feature_skipped_total", "Skipped.", "reason", {{"budget", 5}, {"disabled", 1}}}}},
                {.feature = "actions", .stats = &actions, .outcomes = {{"applied", 1}},
                 .counters = {{"flint_feature_skipped_total", "Skipped.", "reason", {{"no-model", 2}}},
                              {"flint_feature_refused_total", "Refused.", "reason", {{"syntax-error", 1}}}}},
                {.feature = "off"}});  // no figures: no points
    const std::string text = prometheusText(metrics);
    CHECK(text.find("flint_feature_requests_total{feature=\"nextEdit\"} 7\n") != std::string::npos);
    CHECK(text.find("flint_feature_requests_total{feature=\"actions\"} 0\n") != std::string::npos);
    CHECK(text.find("feature=\"off\"") == std::string::npos);
    CHECK(text.find("flint_feature_errors_total{feature=\"nextEdit\",kind=\"http-5xx\"} 2\n") != std::string::npos);
    CHECK(text.find("flint_feature_requests_cancelled_total{feature=\"actions\"} 1\n") != std::string::npos);
    CHECK(text.find("flint_feature_tokens_per_second{feature=\"nextEdit\",quantile=\"0.9\"} 800\n") != std::string::npos);
    CHECK(text.find("flint_feature_suggestions_total{feature=\"nextEdit\",outcome=\"rejected\"} 2\n") != std::string::npos);
    CHECK(text.find("flint_feature_suggestions_total{feature=\"actions\",outcome=\"applied\"} 1\n") != std::string::npos);
    CHECK(text.find("flint_feature_skipped_total{feature=\"nextEdit\",reason=\"budget\"} 5\n") != std::string::npos);
    CHECK(text.find("flint_feature_skipped_total{feature=\"actions\",reason=\"no-model\"} 2\n") != std::string::npos);
    CHECK(text.find("flint_feature_refused_total{feature=\"actions\",reason=\"syntax-error\"} 1\n") != std::string::npos);
    // Two features' counters of one name are one family: declared once.
    size_t declared = 0;
    for (size_t at = 0; (at = text.find("# TYPE flint_feature_skipped_total counter", at)) != std::string::npos; ++at) ++declared;
    CHECK(declared == 1);
}

TEST_CASE("stream meter: time to first token, decode rate, failures by kind, cancellations once") {
    const auto t0 = std::chrono::steady_clock::now();
    FeatureStats stats;
    auto text = [](std::string t) {
        StreamUpdate u;
        u.text = std::move(t);
        return u;
    };
    auto end = [](StreamUpdate::End how, int status = 200) {
        StreamUpdate u;
        u.end = how;
        u.status = status;
        return u;
    };
    StreamMeter clean(t0);
    CHECK_FALSE(clean.update(stats, StreamUpdate{}, t0 + 10ms));  // a model name, no text yet
    CHECK(clean.update(stats, text("a"), t0 + 100ms));            // the first text
    CHECK_FALSE(clean.update(stats, text("b"), t0 + 150ms));
    CHECK_FALSE(clean.update(stats, text("c"), t0 + 200ms));
    clean.update(stats, end(StreamUpdate::End::Stop), t0 + 200ms);
    CHECK(clean.ended());
    CHECK(*stats.timeToFirstTokenMs.quantile(0.5) == Approx(100));
    CHECK(*stats.tokensPerSecond.quantile(0.5) == Approx(20));  // two events after the first in 0.1 s
    clean.cancelled(stats);                                      // after its end: nothing
    CHECK(stats.streamsCancelled == 0);

    StreamMeter failed(t0);
    failed.update(stats, end(StreamUpdate::End::Error, 503), t0 + 5ms);
    StreamMeter slow(t0);
    StreamUpdate timeout = end(StreamUpdate::End::Error, 0);
    timeout.timedOut = true;
    slow.update(stats, timeout, t0 + 5s);
    StreamMeter refused(t0);
    StreamUpdate budget = end(StreamUpdate::End::Error, 0);
    budget.refused = StreamUpdate::Refusal::Budget;
    refused.update(stats, budget, t0);
    StreamMeter broken(t0);
    broken.update(stats, text("x"), t0 + 1ms);
    broken.update(stats, end(StreamUpdate::End::Truncated), t0 + 2ms);
    CHECK(stats.errors == std::map<std::string, uint64_t>{
                              {"http-5xx", 1}, {"timeout", 1}, {"refused-budget", 1}, {"truncated", 1}});
    CHECK(stats.tokensPerSecond.size() == 1);  // failures give no rate

    StreamMeter closed(t0);
    closed.update(stats, text("x"), t0 + 1ms);
    closed.cancelled(stats);
    closed.cancelled(stats);
    CHECK(stats.streamsCancelled == 1);
    StreamMeter done(t0);
    done.update(stats, text("x"), t0 + 1ms);
    done.update(stats, text("y"), t0 + 11ms);
    done.complete(stats, t0 + 11ms);  // closed with all it needed: a clean end, with its rate
    done.cancelled(stats);
    CHECK(stats.streamsCancelled == 1);
    CHECK(stats.tokensPerSecond.size() == 2);
}

TEST_CASE("inline settings under a slow model: single-line, the short token cap, no prefetch, a debounce floor") {
    InlineSettings base;
    base.maxTokensSingleLine = 48;
    base.maxTokensMultiLine = 300;
    const InlineSettings slow = adaptedToSlowModel(base);
    CHECK_FALSE(slow.multiLine);
    CHECK(slow.maxTokensMultiLine == 48);
    CHECK_FALSE(slow.prefetch);
    CHECK(slow.debounce.floor == 150ms);
    base.debounce.ceiling = 100ms;
    CHECK(adaptedToSlowModel(base).debounce.floor == 100ms);  // never over the ceiling
    base.debounce.floor = 300ms;
    CHECK(adaptedToSlowModel(base).debounce.floor == 300ms);  // never lower than configured
}
