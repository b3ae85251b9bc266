#pragma once
// Compiles languages' queries on a background thread at the lowest CPU priority, a
// language once asked for (flint-lsp asks when a document of it opens), so the first
// request in that language finds them ready. A language nobody opens costs nothing:
// compiling every query of every language takes ~0.8 s of CPU.
//
//   QueryWarmer warmer;
//   warmer.warm(*document.language());   // from any thread; again is a no-op
//   warmer.stop();                       // between two queries; joins the thread

#include "workspace/Language.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace flint {

class QueryWarmer {
public:
    // `warmed` (optional) is called on the warming thread after each language is done.
    explicit QueryWarmer(std::function<void(const Language&)> warmed = {});
    ~QueryWarmer();
    QueryWarmer(const QueryWarmer&) = delete;
    QueryWarmer& operator=(const QueryWarmer&) = delete;

    void warm(const Language& language);
    // Exit never waits for a warm-up: the query being compiled finishes, no other starts.
    void stop();

private:
    void run();
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<const Language*> queue_;
    std::set<const Language*> asked_;
    std::atomic<bool> stopping_{false};
    std::function<void(const Language&)> warmed_;
    std::thread thread_;
};

} // namespace flint
