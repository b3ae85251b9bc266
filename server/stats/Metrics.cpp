#include "stats/Metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace flint {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

Metric& family(std::vector<Metric>& out, std::string name, std::string help, Metric::Type type) {
    out.push_back(Metric{std::move(name), std::move(help), type, {}});
    return out.back();
}

void point(Metric& m, Labels labels, double value) {
    Metric::Point p;
    p.labels = std::move(labels);
    p.value = value;
    m.points.push_back(std::move(p));
}

// A window of milliseconds as a summary in seconds.
void summaryPoint(Metric& m, Labels labels, const SampleWindow& window, double scale) {
    Metric::Point p;
    p.labels = std::move(labels);
    if (auto q = window.quantiles()) p.quantiles = SampleWindow::Quantiles{q->p50 * scale, q->p90 * scale, q->p99 * scale};
    p.count = window.count();
    p.sum = window.sum() * scale;
    m.points.push_back(std::move(p));
}

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

std::string escaped(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string labelText(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
    if (labels.empty() && !extra) return {};
    std::string out = "{";
    bool first = true;
    auto add = [&](const std::pair<std::string, std::string>& l) {
        out += (first ? "" : ",") + l.first + "=\"" + escaped(l.second) + "\"";
        first = false;
    };
    for (const auto& l : labels) add(l);
    if (extra) add(*extra);
    return out + "}";
}

} // namespace

std::vector<Metric> collectMetrics(const ServingStats& serving, const std::vector<FeatureFigures>& features) {
    using T = Metric::Type;
    std::vector<Metric> out;
    const auto& providers = serving.providers();
    auto perProvider = [&](std::string name, std::string help, auto value) {
        Metric& m = family(out, std::move(name), std::move(help), T::Counter);
        for (const auto& [provider, f] : providers) point(m, {{"provider", provider}}, static_cast<double>(value(f)));
    };
    perProvider("flint_provider_requests_total", "Model requests made (refused ones included).",
                [](const ProviderFigures& f) { return f.requests; });
    perProvider("flint_provider_completed_total", "Model requests that ended with the model's own end.",
                [](const ProviderFigures& f) { return f.completed; });
    perProvider("flint_provider_cancelled_total", "Model requests closed by Flint before their end.",
                [](const ProviderFigures& f) { return f.cancelled; });
    perProvider("flint_provider_rate_limited_total", "429 answers from the provider.",
                [](const ProviderFigures& f) { return f.rateLimited; });
    {
        Metric& m = family(out, "flint_provider_errors_total", "Failed model requests by kind.", T::Counter);
        for (const auto& [provider, f] : providers)
            for (const auto& [kind, n] : f.errors) point(m, {{"provider", provider}, {"kind", kind}}, static_cast<double>(n));
    }
    {
        Metric& m = family(out, "flint_provider_degraded", "1 while the provider's recent time to first token is over the threshold.", T::Gauge);
        for (const auto& [provider, f] : providers) point(m, {{"provider", provider}}, f.degraded ? 1 : 0);
    }
    {
        Metric& m = family(out, "flint_provider_time_to_first_token_seconds", "Time from a model request to its first text.", T::Summary);
        for (const auto& [provider, f] : providers) summaryPoint(m, {{"provider", provider}}, f.ttftMs, 1e-3);
    }
    {
        Metric& m = family(out, "flint_provider_tokens_per_second", "Decode rate after the first token (text events per second).", T::Summary);
        for (const auto& [provider, f] : providers) summaryPoint(m, {{"provider", provider}}, f.tokensPerSecond, 1.0);
    }

    auto perFeature = [&](std::string name, std::string help, auto value) {
        Metric& m = family(out, std::move(name), std::move(help), T::Counter);
        for (const FeatureFigures& f : features)
            if (f.stats) point(m, {{"feature", f.feature}}, static_cast<double>(value(*f.stats)));
    };
    perFeature("flint_feature_requests_total", "Requests from the editor.", [](const FeatureStats& s) { return s.requests; });
    perFeature("flint_feature_model_requests_total", "Requests that started a model stream.",
               [](const FeatureStats& s) { return s.modelRequests; });
    perFeature("flint_feature_cache_hits_total", "Requests answered from what Flint held, with no model request.",
               [](const FeatureStats& s) { return s.cacheHits; });
    perFeature("flint_feature_requests_cancelled_total", "Requests the editor cancelled before their answer.",
               [](const FeatureStats& s) { return s.requestsCancelled; });
    perFeature("flint_feature_streams_cancelled_total", "Model streams closed before their end.",
               [](const FeatureStats& s) { return s.streamsCancelled; });
    {
        Metric& m = family(out, "flint_feature_errors_total", "The feature's failed model streams by kind.", T::Counter);
        for (const FeatureFigures& f : features)
            if (f.stats)
                for (const auto& [kind, n] : f.stats->errors)
                    point(m, {{"feature", f.feature}, {"kind", kind}}, static_cast<double>(n));
    }
    {
        Metric& m = family(out, "flint_feature_suggestions_total", "Suggestions by what became of them.", T::Counter);
        for (const FeatureFigures& f : features)
            if (f.stats)
                for (const auto& [outcome, n] : f.outcomes)
                    point(m, {{"feature", f.feature}, {"outcome", outcome}}, static_cast<double>(n));
    }
    {
        Metric& m = family(out, "flint_feature_time_to_first_token_seconds", "A model stream's start to its first text, as the feature saw it.", T::Summary);
        for (const FeatureFigures& f : features)
            if (f.stats) summaryPoint(m, {{"feature", f.feature}}, f.stats->timeToFirstTokenMs, 1e-3);
    }
    {
        Metric& m = family(out, "flint_feature_added_seconds", "Flint's own time around each model request.", T::Summary);
        for (const FeatureFigures& f : features)
            if (f.stats) summaryPoint(m, {{"feature", f.feature}}, f.stats->addedMs, 1e-3);
    }
    {
        Metric& m = family(out, "flint_feature_tokens_per_second", "Decode rate after the first text, as the feature saw it.", T::Summary);
        for (const FeatureFigures& f : features)
            if (f.stats) summaryPoint(m, {{"feature", f.feature}}, f.stats->tokensPerSecond, 1.0);
    }
    // Each feature's own counters, one family per name (in the order first met).
    const size_t own = out.size();
    for (const FeatureFigures& f : features) {
        if (!f.stats) continue;
        for (const FeatureFigures::Counter& c : f.counters) {
            auto it = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(own), out.end(),
                                   [&](const Metric& m) { return m.name == c.name; });
            Metric& m = it != out.end() ? *it : family(out, c.name, c.help, T::Counter);
            for (const auto& [value, n] : c.values) {
                Labels labels{{"feature", f.feature}};
                if (!c.label.empty()) labels.emplace_back(c.label, value);
                point(m, std::move(labels), static_cast<double>(n));
            }
        }
    }
    return out;
}

std::string prometheusText(const std::vector<Metric>& metrics) {
    std::string out;
    for (const Metric& m : metrics) {
        const char* type = m.type == Metric::Type::Counter ? "counter" : m.type == Metric::Type::Gauge ? "gauge" : "summary";
        out += "# HELP " + m.name + " " + m.help + "\n";
        out += "# TYPE " + m.name + " " + type + "\n";
        for (const Metric::Point& p : m.points) {
            if (m.type != Metric::Type::Summary) {
                out += m.name + labelText(p.labels) + " " + number(p.value) + "\n";
                continue;
            }
            if (p.quantiles) {
                const std::pair<std::string, double> qs[] = {{"0.5", p.quantiles->p50}, {"0.9", p.quantiles->p90}, {"0.99", p.quantiles->p99}};
                for (const auto& [q, v] : qs) {
                    const std::pair<std::string, std::string> label{"quantile", q};
                    out += m.name + labelText(p.labels, &label) + " " + number(v) + "\n";
                }
            }
            out += m.name + "_sum" + labelText(p.labels) + " " + number(p.sum) + "\n";
            out += m.name + "_count" + labelText(p.labels) + " " + number(static_cast<double>(p.count)) + "\n";
        }
    }
    return out;
}

} // namespace flint
