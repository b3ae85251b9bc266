#include "stats/SampleWindow.h"

#include <algorithm>
#include <cmath>

namespace flint {

SampleWindow::SampleWindow(size_t capacity) : ring_(std::max<size_t>(capacity, 1)) {}

void SampleWindow::add(double value) {
    ring_[next_] = value;
    next_ = (next_ + 1) % ring_.size();
    filled_ = std::min(filled_ + 1, ring_.size());
    ++count_;
    sum_ += value;
}

void SampleWindow::clear() {
    next_ = 0;
    filled_ = 0;
}

namespace {

// Nearest rank on a copy: the smallest value with at least q of the samples at or below it.
double nearestRank(std::vector<double>& values, double q) {
    const size_t n = values.size();
    size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
    rank = std::clamp<size_t>(rank, 1, n);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
    return values[rank - 1];
}

} // namespace

std::optional<double> SampleWindow::quantile(double q) const {
    if (filled_ == 0) return std::nullopt;
    std::vector<double> values(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(filled_));
    return nearestRank(values, q);
}

std::optional<SampleWindow::Quantiles> SampleWindow::quantiles() const {
    if (filled_ == 0) return std::nullopt;
    std::vector<double> values(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(filled_));
    Quantiles q;
    q.p50 = nearestRank(values, 0.5);
    q.p90 = nearestRank(values, 0.9);
    q.p99 = nearestRank(values, 0.99);
    return q;
}

std::optional<double> SampleWindow::recentMedian(size_t n) const {
    n = std::min(n, filled_);
    if (n == 0) return std::nullopt;
    std::vector<double> values;
    values.reserve(n);
    for (size_t i = 1; i <= n; ++i) values.push_back(ring_[(next_ + ring_.size() - i) % ring_.size()]);
    return nearestRank(values, 0.5);
}

} // namespace flint
