#pragma once
// The newest N samples of one figure (a latency, a rate), for quantiles over a
// sliding window, plus all-time count and sum. Adding a sample is O(1) and never
// allocates after construction, so it can sit on the keystroke path; quantiles are
// computed when asked (a copy and nth_element over at most N values).
//
//   SampleWindow ttft(256);
//   ttft.add(212.0);                          // every call's time to first token, in ms
//   if (auto q = ttft.quantiles()) show(q->p50, q->p90, q->p99);
//   auto recent = ttft.recentMedian(5);       // the last five only: has it just got slow?
//
// Quantiles are nearest-rank: p50 of {1, 2, 3, 4} is 2, p99 of fewer than 100
// samples is the largest.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace flint {

class SampleWindow {
public:
    explicit SampleWindow(size_t capacity = 256);

    void add(double value);
    void clear();

    // Samples in the window (at most the capacity).
    size_t size() const { return filled_; }
    // Every sample ever added, and their sum (for Prometheus summaries' _count and _sum).
    uint64_t count() const { return count_; }
    double sum() const { return sum_; }

    struct Quantiles {
        double p50 = 0, p90 = 0, p99 = 0;
    };
    // Over the window; nullopt while it is empty.
    std::optional<Quantiles> quantiles() const;
    std::optional<double> quantile(double q) const;
    // The median of the newest `n` samples (fewer if fewer were added); nullopt when empty.
    std::optional<double> recentMedian(size_t n) const;

private:
    std::vector<double> ring_;
    size_t next_ = 0;
    size_t filled_ = 0;
    uint64_t count_ = 0;
    double sum_ = 0;
};

} // namespace flint
