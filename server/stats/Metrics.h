#pragma once
// Flint's figures as a flat list of metrics (name, help, type, labelled points), the
// one shape both exports render: Prometheus text (here) and OTLP/JSON (lsp/Stats.cpp,
// which owns the JSON). Pure: the caller passes the figures and the time.
//
//   std::vector<Metric> metrics = collectMetrics(serving, {{.feature = "inline", .provider = "fast",
//                                                           .stats = &inlineStats, .outcomes = {{"shown", 4}}}});
//   std::string body = prometheusText(metrics);   // for GET /metrics
//
// Names follow Prometheus conventions: `flint_` prefix, `_total` counters, times in
// seconds; a summary's quantiles are over the sliding window, its _count and _sum
// over all time.

#include "stats/FeatureStats.h"
#include "stats/SampleWindow.h"
#include "stats/ServingStats.h"

#include <string>
#include <utility>
#include <vector>

namespace flint {

struct Metric {
    enum class Type { Counter, Gauge, Summary };
    struct Point {
        std::vector<std::pair<std::string, std::string>> labels;
        double value = 0;  // counter, gauge
        // summary
        std::optional<SampleWindow::Quantiles> quantiles;
        uint64_t count = 0;
        double sum = 0;
    };
    std::string name;
    std::string help;
    Type type = Type::Counter;
    std::vector<Point> points;
};

// One feature's figures as the exports see them: the common ones (FeatureStats), what
// became of its suggestions, and counters of its own.
struct FeatureFigures {
    std::string feature;                  // "inline", "nextEdit", "actions"
    std::string provider;                 // the provider serving it now ("" when none)
    const FeatureStats* stats = nullptr;  // null: the feature reports nothing
    // flint_feature_suggestions_total{outcome}: "shown", "accepted", ... in order.
    std::vector<std::pair<std::string, uint64_t>> outcomes;
    // Counters of this feature only: the family `name` (a `_total` name), with an extra
    // label (`label`, e.g. "reason") when `values` holds several, else one value under "".
    struct Counter {
        std::string name;
        std::string help;
        std::string label;
        std::vector<std::pair<std::string, uint64_t>> values;
    };
    std::vector<Counter> counters;
};

std::vector<Metric> collectMetrics(const ServingStats& serving, const std::vector<FeatureFigures>& features);

// The Prometheus text exposition format (version 0.0.4).
std::string prometheusText(const std::vector<Metric>& metrics);

} // namespace flint
