#include "workspace/QueryWarmer.h"

#include <sys/resource.h>
#include <unistd.h>

namespace flint {

QueryWarmer::QueryWarmer(std::function<void(const Language&)> warmed)
    : warmed_(std::move(warmed)), thread_([this] { run(); }) {}

QueryWarmer::~QueryWarmer() { stop(); }

void QueryWarmer::warm(const Language& language) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || !asked_.insert(&language).second) return;
        queue_.push_back(&language);
    }
    wake_.notify_one();
}

void QueryWarmer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void QueryWarmer::run() {
    // Background work: lowest CPU priority, so it never competes with the event loop.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
    for (;;) {
        const Language* language = nullptr;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            language = queue_.front();
            queue_.pop_front();
        }
        language->compileQueries(stopping_);
        if (warmed_ && !stopping_) warmed_(*language);
    }
}

} // namespace flint
