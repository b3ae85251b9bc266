#pragma once
// The real LanguageServer driven without a transport (as tests/unit/ServerTests.cpp
// does), for the dispatch and session harnesses. Every message the server sends is
// checked as it leaves:
//  - it is JSON (Boost.JSON rejects text that is not UTF-8) and a JSON-RPC 2.0 object;
//  - a response answers a request the client made, never more often than it was made,
//    and a request still in progress (a duplicate id is refused while the first runs);
//  - error responses carry an integer code and a string message.
// Deferred work (the event loop's queue) runs when the harness says, with a bound: a
// queue that never empties is a hang.

#include "FuzzSupport.h"
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <map>

namespace flint::fuzz {

namespace json = boost::json;

class ServerDriver {
public:
    ServerDriver()
        : server_([this](std::string payload) { sent(payload); },
                  [this](std::function<void()> task) { queue_.push_back(std::move(task)); }) {}

    lsp::LanguageServer& server() { return server_; }
    bool exited() const { return server_.exitCode().has_value(); }

    // A message from the client, as its bytes. The ids of requests are tracked (when
    // the text is a request the server could read) so responses can be checked.
    void receive(std::string_view payload) {
        boost::system::error_code ec;
        const json::value v = json::parse(payload, ec);
        if (!ec && v.is_object()) {
            const json::object& o = v.as_object();
            // What the server answers by id: anything with a method, and anything that
            // is not JSON-RPC 2.0 at all (a reply to a server request is not answered).
            const json::value* id = o.if_contains("id");
            const json::value* version = o.if_contains("jsonrpc");
            const bool rpc = version && *version == "2.0";
            if (id && (id->is_int64() || id->is_uint64() || id->is_string()) &&
                (o.contains("method") || !rpc))
                ++requests_[json::serialize(*id)];
        }
        server_.onMessage(payload);
    }

    // Runs up to `max` deferred tasks; returns how many ran.
    size_t run(size_t max) {
        size_t ran = 0;
        while (!queue_.empty() && ran < max) {
            auto task = std::move(queue_.front());
            queue_.pop_front();
            task();
            ++ran;
        }
        return ran;
    }

    // Runs deferred work until none is left. Real work always settles: a parse in
    // slices, a debounce, a deferred index pass each end.
    void drain() {
        constexpr size_t kBound = 100000;
        size_t ran = 0;
        while (!queue_.empty()) {
            ran += run(1000);
            FUZZ_CHECK(ran < kBound,
                       "deferred work keeps queueing itself: the server would never be idle");
        }
    }

    // The server's last request to the client (workspace/configuration,
    // workspace/applyEdit, ...), for the harness to answer.
    const std::optional<json::value>& lastServerRequest() const { return lastServerRequest_; }
    size_t responses() const { return responses_; }
    // Every message the server sent since the harness last cleared it.
    std::vector<json::value> outbox;

private:
    void sent(const std::string& payload) {
        boost::system::error_code ec;
        const json::value v = json::parse(payload, ec);
        FUZZ_CHECK(!ec, "the server sent text that is not JSON (or not UTF-8)");
        FUZZ_CHECK(v.is_object(), "the server sent a JSON-RPC message that is not an object");
        outbox.push_back(v);
        const json::object& o = v.as_object();
        const json::value* version = o.if_contains("jsonrpc");
        FUZZ_CHECK(version && *version == "2.0",
                   "the server sent a message without \"jsonrpc\": \"2.0\"");
        const json::value* method = o.if_contains("method");
        const json::value* id = o.if_contains("id");
        if (method) {
            FUZZ_CHECK(method->is_string(), "the server sent a method that is not a string");
            if (id) lastServerRequest_ = v;
            return;
        }
        FUZZ_CHECK(id, "the server sent a response without an id");
        FUZZ_CHECK(o.contains("result") != o.contains("error"),
                   "a response needs exactly one of result and error");
        if (const json::value* error = o.if_contains("error")) {
            FUZZ_CHECK(error->is_object(), "an error response's error is not an object");
            const json::value* code = error->as_object().if_contains("code");
            const json::value* message = error->as_object().if_contains("message");
            FUZZ_CHECK(code && code->is_int64(), "an error response without an integer code");
            FUZZ_CHECK(message && message->is_string(), "an error response without a message");
        }
        ++responses_;
        if (id->is_null()) {
            FUZZ_CHECK(o.contains("error"), "a result for a null id");
            return;
        }
        const std::string key = json::serialize(*id);
        FUZZ_CHECK(++answered_[key] <= requests_[key],
                   "a request was answered more often than it was made");
    }

    std::deque<std::function<void()>> queue_;
    std::map<std::string, size_t> requests_;
    std::map<std::string, size_t> answered_;
    std::optional<json::value> lastServerRequest_;
    size_t responses_ = 0;
    lsp::LanguageServer server_; // last: its callbacks use the members above
};

// No user config file and no home directory: a harness run depends on its input only.
inline void isolateFromTheMachine() {
    setenv("XDG_CONFIG_HOME", "/nonexistent/flint-fuzz", 1);
    setenv("HOME", "/nonexistent/flint-fuzz", 1);
}

} // namespace flint::fuzz
