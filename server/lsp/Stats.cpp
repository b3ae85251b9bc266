// flint/stats: how each provider and each feature is serving, from figures kept in
// memory (nothing is sent anywhere), plus the optional exports a team can scrape:
// Prometheus text on a 127.0.0.1 port and OTLP/JSON lines appended to a file, both
// off by default. This file translates stats/ (ServingStats, Metrics) into JSON-RPC
// and keeps it fed: it observes every configured provider (Provider::observe) and
// reads the `flint.stats` settings. It also decides which provider serves a feature
// now (ServerContext::providerFor): the route's, or its fallback while the route's
// provider is degraded.
//
//   --> {"method": "flint/stats", "id": 7}
//   <-- {"result": {"providers": {"default": {"requests": 12, "ttftMs": {"samples": 12,
//          "p50": 212, "p90": 340, "p99": 611}, "errors": {"http-5xx": 1}, ...}},
//        "features": {"inline": {"provider": "default", "cacheHits": 4, "acceptance":
//          {"shown": 9, "accepted": 3, ...}, "addedMs": {...}, ...}, ...}, "export": {...}}}
#include "lsp/ServerContext.h"

#include "model/ProviderSettings.h"
#include "stats/Metrics.h"
#include "stats/MetricsServer.h"
#include "stats/ServingStats.h"
#include "actions/ActionStats.h"
#include "suggest/InlineStats.h"
#include "suggest/NextEditEngine.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>

namespace flint::lsp {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string isoTime(SteadyClock::time_point at) {
    const auto wall = std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(at - SteadyClock::now());
    const std::time_t seconds = std::chrono::system_clock::to_time_t(wall + milliseconds(500));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

double rounded(double v) { return std::round(v * 10) / 10; }

json::object window(const SampleWindow& w) {
    json::object o{{"samples", w.size()}};
    if (auto q = w.quantiles()) {
        o["p50"] = rounded(q->p50);
        o["p90"] = rounded(q->p90);
        o["p99"] = rounded(q->p99);
    }
    return o;
}

json::object counts(const std::map<std::string, uint64_t>& byKind) {
    json::object out;
    for (const auto& [kind, n] : byKind) out[kind] = n;
    return out;
}

uint64_t total(const std::map<std::string, uint64_t>& byKind) {
    uint64_t n = 0;
    for (const auto& entry : byKind) n += entry.second;
    return n;
}

json::value rate(uint64_t taken, uint64_t shown) {
    if (!shown) return nullptr;
    return rounded(100.0 * static_cast<double>(taken) / static_cast<double>(shown)) / 100;
}

// What every feature reports (stats/FeatureStats.h), into its object.
void putCommon(json::object& f, const FeatureStats& s) {
    f["requests"] = s.requests;
    f["modelRequests"] = s.modelRequests;
    f["cacheHits"] = s.cacheHits;
    f["requestsCancelled"] = s.requestsCancelled;
    f["streamsCancelled"] = s.streamsCancelled;
    f["errors"] = counts(s.errors);
    f["ttftMs"] = window(s.timeToFirstTokenMs);
    f["addedMs"] = window(s.addedMs);
    f["tokensPerSecond"] = window(s.tokensPerSecond);
}

FeatureFigures::Counter byReason(std::string name, std::string help, const std::map<std::string, uint64_t>& values) {
    return {std::move(name), std::move(help), "reason", {values.begin(), values.end()}};
}

struct ExportSettings {
    DegradationSettings degradation;
    bool adapt = true;
    std::optional<uint16_t> prometheusPort;
    std::string otlpFile;
    milliseconds exportInterval{10000};
};

// The `stats` object of the flint section; `error` names the first bad field (its default is used).
ExportSettings readSettings(const json::value* section, std::string& error) {
    ExportSettings s;
    const json::object* o = section ? section->if_object() : nullptr;
    if (!o) {
        if (section && !section->is_null()) error = "flint.stats: expected an object";
        return s;
    }
    auto whole = [&](std::string_view key, int64_t low, int64_t high) -> std::optional<int64_t> {
        const json::value* v = o->if_contains(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_int64() || v->as_int64() < low || v->as_int64() > high) {
            error = "flint.stats." + std::string(key) + ": expected a whole number from " + std::to_string(low) +
                    " to " + std::to_string(high);
            return std::nullopt;
        }
        return v->as_int64();
    };
    if (const json::value* v = o->if_contains("adaptive")) {
        if (v->is_bool()) s.adapt = s.degradation.enabled = v->as_bool();
        else error = "flint.stats.adaptive: expected true or false";
    }
    if (auto ms = whole("degradedTtftMs", 1, 600000)) s.degradation.ttftThreshold = milliseconds(*ms);
    if (auto n = whole("degradedSamples", 1, 100)) {
        s.degradation.recentSamples = static_cast<size_t>(*n);
        s.degradation.minSamples = std::min<size_t>(3, s.degradation.recentSamples);
    }
    if (auto ms = whole("probeAfterMs", 0, 86400000)) s.degradation.probeAfter = milliseconds(*ms);
    if (auto port = whole("prometheusPort", 0, 65535)) s.prometheusPort = static_cast<uint16_t>(*port);
    if (const json::value* v = o->if_contains("otlpFile"); v && !v->is_null()) {
        if (v->is_string()) s.otlpFile = std::string(v->as_string());
        else error = "flint.stats.otlpFile: expected a file path";
    }
    if (auto ms = whole("exportIntervalMs", 10, 86400000)) s.exportInterval = milliseconds(*ms);
    static constexpr std::string_view kKnown[] = {"adaptive", "degradedTtftMs", "degradedSamples", "probeAfterMs",
                                                  "prometheusPort", "otlpFile", "exportIntervalMs"};
    for (const auto& entry : *o)
        if (error.empty() && std::find(std::begin(kKnown), std::end(kKnown), entry.key()) == std::end(kKnown))
            error = "flint.stats." + std::string(entry.key()) +
                    ": unknown setting (known: adaptive, degradedTtftMs, degradedSamples, probeAfterMs, "
                    "prometheusPort, otlpFile, exportIntervalMs)";
    return s;
}

std::string nanos(std::chrono::system_clock::time_point at) {
    return std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
}

json::array otlpAttributes(const std::vector<std::pair<std::string, std::string>>& labels) {
    json::array out;
    for (const auto& [key, value] : labels)
        out.push_back(json::object{{"key", key}, {"value", json::object{{"stringValue", value}}}});
    return out;
}

// One OTLP/JSON ExportMetricsServiceRequest (as the OTLP file exporter writes: one per line).
json::value otlpRequest(const std::vector<Metric>& metrics, std::chrono::system_clock::time_point started) {
    const std::string now = nanos(std::chrono::system_clock::now());
    const std::string start = nanos(started);
    json::array out;
    for (const Metric& m : metrics) {
        json::array points;
        for (const Metric::Point& p : m.points) {
            json::object point{{"attributes", otlpAttributes(p.labels)}, {"startTimeUnixNano", start},
                               {"timeUnixNano", now}};
            if (m.type == Metric::Type::Summary) {
                point["count"] = std::to_string(p.count);
                point["sum"] = p.sum;
                json::array quantiles;
                if (p.quantiles)
                    for (auto [q, v] : {std::pair{0.5, p.quantiles->p50}, std::pair{0.9, p.quantiles->p90},
                                        std::pair{0.99, p.quantiles->p99}})
                        quantiles.push_back(json::object{{"quantile", q}, {"value", v}});
                point["quantileValues"] = std::move(quantiles);
            } else {
                point["asDouble"] = p.value;
            }
            points.push_back(std::move(point));
        }
        json::object metric{{"name", m.name}, {"description", m.help}};
        if (m.type == Metric::Type::Counter)
            metric["sum"] = json::object{{"dataPoints", std::move(points)}, {"aggregationTemporality", 2}, {"isMonotonic", true}};
        else if (m.type == Metric::Type::Gauge)
            metric["gauge"] = json::object{{"dataPoints", std::move(points)}};
        else
            metric["summary"] = json::object{{"dataPoints", std::move(points)}};
        out.push_back(std::move(metric));
    }
    json::object resource{{"attributes", otlpAttributes({{"service.name", "flint"}})}};
    json::object scope{{"scope", json::object{{"name", "flint"}}}, {"metrics", std::move(out)}};
    return json::object{{"resourceMetrics", json::array{json::object{
        {"resource", std::move(resource)}, {"scopeMetrics", json::array{std::move(scope)}}}}}};
}

struct Observatory : std::enable_shared_from_this<Observatory> {
    ServerContext& ctx;
    ServingStats serving;
    std::map<std::string, std::weak_ptr<Provider>> observed;
    ExportSettings settings;
    std::string reportedError;
    std::unique_ptr<MetricsServer> prometheus;
    std::optional<uint16_t> prometheusWanted;
    std::string prometheusError;
    std::unique_ptr<boost::asio::steady_timer> otlpTimer;
    std::string otlpError;
    const std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

    explicit Observatory(ServerContext& c) : ctx(c) {}

    void observeProviders() {
        std::set<std::string> names;
        for (const auto& [name, provider] : ctx.providers) {
            names.insert(name);
            auto seen = observed.find(name);
            if (seen != observed.end() && seen->second.lock() == provider) continue;
            observed[name] = provider;
            // `name = name`: clang 14 (the sanitizer build) cannot capture a structured binding.
            provider->observe([weak = weak_from_this(), name = name](const ProviderEvent& event) {
                if (auto self = weak.lock()) self->onEvent(name, event);
            });
        }
        std::erase_if(observed, [&](const auto& entry) { return !names.contains(entry.first); });
    }

    void onEvent(const std::string& name, const ProviderEvent& event) {
        if (!serving.record(name, event, SteadyClock::now())) return;
        const ProviderFigures* f = serving.provider(name);
        if (f && f->degraded) spdlog::warn("model provider {} is degraded: {}", name, serving.degradedReason(name));
        else spdlog::info("model provider {} is no longer degraded", name);
        for (auto& listener : ctx.servingChanged) listener();
    }

    // Each feature's figures for the exports (the names are in the README's `stats` section).
    std::vector<FeatureFigures> features() {
        std::vector<FeatureFigures> out;
        if (const InlineStats* s = ctx.inlineStats)
            out.push_back({.feature = "inline",
                           .provider = ctx.providerNameFor(ServerContext::Feature::Inline),
                           .stats = s,
                           .outcomes = {{"shown", s->shown}, {"accepted", s->accepted},
                                        {"partially_accepted", s->partiallyAccepted}, {"rejected", s->rejected}},
                           .counters = {{"flint_feature_typed_through_hits_total",
                                         "Cache hits after the user typed part of the suggestion.", "",
                                         {{"", s->typedThroughHits}}},
                                        {"flint_feature_debounced_total", "Requests superseded before they reached the model.",
                                         "", {{"", s->debounced}}}}});
        if (ctx.nextEdits) {
            const NextEditStats& s = ctx.nextEdits->stats();
            out.push_back({.feature = "nextEdit",
                           .provider = ctx.providerNameFor(ServerContext::Feature::NextEdit),
                           .stats = &s,
                           .outcomes = {{"shown", s.shown}, {"accepted", s.accepted}, {"rejected", s.rejected}},
                           .counters = {byReason("flint_feature_skipped_total",
                                                 "Requests answered with nothing without asking the model, by why.",
                                                 s.skipped)}});
        }
        if (const ActionStats* s = ctx.actionStats)
            out.push_back({.feature = "actions",
                           .provider = ctx.providerNameFor(ServerContext::Feature::Actions),
                           .stats = s,
                           .outcomes = {{"offered", s->offered}, {"resolved", s->resolved}, {"applied", s->applied},
                                        {"apply_failed", s->applyFailed}, {"refused", total(s->refused)},
                                        {"cancelled", s->requestsCancelled}},
                           .counters = {byReason("flint_feature_skipped_total",
                                                 "Requests answered with nothing without asking the model, by why.",
                                                 s->skipped),
                                        byReason("flint_feature_refused_total",
                                                 "Model rewrites Flint refused to offer, by why.", s->refused)}});
        return out;
    }

    json::value stats() {
        const auto now = SteadyClock::now();
        json::object providers;
        for (const auto& [name, f] : serving.providers()) {
            json::object p{{"requests", f.requests}, {"completed", f.completed}, {"cancelled", f.cancelled},
                           {"failed", f.failed}, {"refused", f.refused}, {"rateLimited", f.rateLimited},
                           {"ttftMs", window(f.ttftMs)}, {"tokensPerSecond", window(f.tokensPerSecond)},
                           {"durationMs", window(f.durationMs)}, {"degraded", f.degraded}};
            json::object errors;
            for (const auto& [kind, n] : f.errors) errors[kind] = n;
            p["errors"] = std::move(errors);
            if (f.degraded) p["degradedReason"] = serving.degradedReason(name);
            p["rateLimitedUntil"] = f.rateLimitedUntil && *f.rateLimitedUntil > now
                                        ? json::value(isoTime(*f.rateLimitedUntil)) : json::value(nullptr);
            if (auto it = ctx.providers.find(name); it != ctx.providers.end()) {
                const ProviderConfig& c = it->second->config();
                p["kind"] = c.kind;
                p["endpoint"] = c.endpoint.origin() + c.endpoint.basePath;
                p["model"] = c.model;
                // The warm connections: what a request finds already open.
                const HttpClient::Stats http = it->second->connectionStats();
                const Provider::WebSocketStats ws = it->second->webSocketStats();
                p["connections"] = json::object{{"opened", http.connectionsOpened + ws.handshakes},
                                                {"reused", http.requestsOnReusedConnections + ws.requestsOnReusedSockets},
                                                {"idle", http.idle + ws.idle},
                                                {"connecting", http.connecting}};
            }
            providers[name] = std::move(p);
        }
        json::object features;
        for (size_t i = 0; i < kModelFeatureNames.size(); ++i) {
            const auto feature = static_cast<ServerContext::Feature>(i);
            const std::string servedBy = ctx.providerNameFor(feature);
            json::object f{{"provider", servedBy.empty() ? json::value(nullptr) : json::value(servedBy)},
                           {"fallback", ctx.fallbackNames[i].empty() ? json::value(nullptr) : json::value(ctx.fallbackNames[i])},
                           {"servedByFallback", !servedBy.empty() && servedBy == ctx.fallbackNames[i] && servedBy != ctx.routeNames[i]}};
            features[kModelFeatureNames[i]] = std::move(f);
        }
        if (const InlineStats* s = ctx.inlineStats) {
            json::object& f = features["inline"].as_object();
            putCommon(f, *s);
            f["typedThroughHits"] = s->typedThroughHits;
            f["liveHits"] = s->liveHits;
            f["debounced"] = s->debounced;
            f["prefetches"] = s->prefetches;
            f["prefetchHits"] = s->prefetchHits;
            f["acceptance"] = json::object{
                {"shown", s->shown}, {"accepted", s->accepted}, {"partiallyAccepted", s->partiallyAccepted},
                {"rejected", s->rejected}, {"rate", rate(s->accepted + s->partiallyAccepted, s->shown)}};
        }
        if (ctx.nextEdits) {
            const NextEditStats& s = ctx.nextEdits->stats();
            json::object& f = features["nextEdit"].as_object();
            putCommon(f, s);
            f["skipped"] = counts(s.skipped);
            f["rebased"] = s.rebased;
            f["dropped"] = s.dropped;
            f["completedByTyping"] = s.completedByTyping;
            f["acceptance"] = json::object{{"shown", s.shown}, {"accepted", s.accepted}, {"rejected", s.rejected},
                                           {"rate", rate(s.accepted, s.shown)}};
        }
        if (const ActionStats* s = ctx.actionStats) {
            json::object& f = features["actions"].as_object();
            putCommon(f, *s);
            f["listed"] = s->listed;
            f["skipped"] = counts(s->skipped);
            f["acceptance"] = json::object{{"offered", s->offered}, {"resolved", s->resolved}, {"applied", s->applied},
                                           {"applyFailed", s->applyFailed}, {"refused", counts(s->refused)},
                                           {"cancelled", s->requestsCancelled}};
        }
        json::object exports{
            {"prometheus", prometheus ? json::value("http://127.0.0.1:" + std::to_string(prometheus->port()) + "/metrics")
                                      : json::value(nullptr)},
            {"otlpFile", settings.otlpFile.empty() ? json::value(nullptr) : json::value(settings.otlpFile)}};
        if (!prometheusError.empty()) exports["prometheusError"] = prometheusError;
        if (!otlpError.empty()) exports["otlpError"] = otlpError;
        return json::object{{"providers", std::move(providers)}, {"features", std::move(features)},
                            {"degradedTtftMs", serving.settings().ttftThreshold.count()},
                            {"export", std::move(exports)}};
    }

    std::string prometheusBody() { return prometheusText(collectMetrics(serving, features())); }

    void configure() {
        std::string error;
        settings = readSettings(ctx.settings.if_contains("stats"), error);
        if (!error.empty() && error != reportedError) {
            spdlog::warn("configuration: {}", error);
            ctx.showMessage(ServerContext::MessageType::Warning, "Flint: " + error + " (using the default)");
        }
        reportedError = error;
        if (!(serving.settings() == settings.degradation)) {
            serving.configure(settings.degradation);
            for (auto& listener : ctx.servingChanged) listener();
        }
        std::set<std::string> names;
        for (const auto& [name, provider] : ctx.providers) names.insert(name);
        serving.retain(names);
        if (!ctx.loop) return;
        configurePrometheus();
        configureOtlp();
    }

    void configurePrometheus() {
        if (settings.prometheusPort == prometheusWanted && (prometheus || !settings.prometheusPort)) return;
        prometheusWanted = settings.prometheusPort;
        prometheus.reset();
        prometheusError.clear();
        if (!settings.prometheusPort) return;
        try {
            prometheus = std::make_unique<MetricsServer>(*ctx.loop, *settings.prometheusPort,
                                                         [weak = weak_from_this()] {
                                                             auto self = weak.lock();
                                                             return self ? self->prometheusBody() : std::string();
                                                         });
            spdlog::info("metrics: Prometheus text at http://127.0.0.1:{}/metrics", prometheus->port());
        } catch (const std::exception& e) {
            prometheusError = e.what();
            spdlog::error("metrics: {}", prometheusError);
            ctx.showMessage(ServerContext::MessageType::Warning, "Flint: the Prometheus export is off: " + prometheusError);
        }
    }

    void configureOtlp() {
        if (settings.otlpFile.empty()) {
            otlpTimer.reset();
            return;
        }
        if (!otlpTimer) otlpTimer = std::make_unique<boost::asio::steady_timer>(*ctx.loop);
        scheduleOtlp();
    }

    void scheduleOtlp() {
        otlpTimer->expires_after(settings.exportInterval);
        otlpTimer->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || !self->otlpTimer) return;
            self->writeOtlp();
            self->scheduleOtlp();
        });
    }

    void writeOtlp() {
        std::string path = settings.otlpFile;
        if (path.starts_with("~/"))
            if (const char* home = std::getenv("HOME")) path = home + path.substr(1);
        std::ofstream out(path, std::ios::app | std::ios::binary);
        const std::string line = json::serialize(otlpRequest(collectMetrics(serving, features()), started)) + "\n";
        if (out << line << std::flush) {
            otlpError.clear();
            return;
        }
        const std::string error = "cannot append to " + settings.otlpFile;
        if (error == otlpError) return;
        otlpError = error;
        spdlog::error("metrics: {}", error);
        ctx.showMessage(ServerContext::MessageType::Warning, "Flint: the OTLP export " + error);
    }
};

} // namespace

Provider* ServerContext::providerFor(Feature feature) {
    const size_t i = static_cast<size_t>(feature);
    if (fallbacks[i] && serving) {
        const auto now = SteadyClock::now();
        if (serving->degraded(routeNames[i], now) && !serving->degraded(fallbackNames[i], now)) return fallbacks[i].get();
    }
    return routes[i].get();
}

std::string ServerContext::providerNameFor(Feature feature) {
    const size_t i = static_cast<size_t>(feature);
    Provider* provider = providerFor(feature);
    if (!provider) return {};
    return provider == fallbacks[i].get() ? fallbackNames[i] : routeNames[i];
}

void registerStats(ServerContext& ctx) {
    auto observatory = std::make_shared<Observatory>(ctx);
    ctx.serving = &observatory->serving;
    ctx.providersChanged.push_back([observatory] { observatory->observeProviders(); });
    ctx.configurationApplied.push_back([observatory] {
        observatory->observeProviders();
        observatory->configure();
    });
    ctx.onRequest("flint/stats", [observatory](const json::value&, Reply reply, CancellationToken) {
        reply.result(observatory->stats());
    });
}

} // namespace flint::lsp
