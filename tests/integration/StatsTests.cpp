// flint/stats and the exports through the real flint-lsp binary against the scripted
// model server: the figures move with the model's scripted timing and faults, a slow
// provider turns the status to degraded (and hands over to a fallback), and the
// Prometheus export parses with the official client's parser.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace flint::test;

namespace {

std::string endpointOf(const ScriptedModelServer& model) {
    return "http://127.0.0.1:" + std::to_string(model.port()) + "/v1";
}

json::object providerFor(const ScriptedModelServer& model) {
    return json::object{{"kind", "openai-chat"}, {"endpoint", endpointOf(model)}, {"model", "m"}, {"maxRetries", 0}};
}

void start(LspProcess& server, json::object options) {
    server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", json::object{}},
                                                 {"initializationOptions", std::move(options)}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
}

// Opens a fresh document and asks for a completion at the end of its second line:
// a new place each time, so the cache cannot answer.
json::value complete(LspProcess& server, int64_t id) {
    const std::string uri = "file:///work/stats" + std::to_string(id) + ".py";
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", "def add(a, b):\n    \n"}}}});
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", uri}}}, {"position", position(1, 4)},
        {"context", json::object{{"triggerKind", 1}}}});
    return server.responseTo(id);
}

// The stream of request `id` has ended (its last partial notification came).
void waitDone(LspProcess& server, int64_t id) {
    auto done = [&](const json::value& m) {
        const json::object& o = m.as_object();
        return o.contains("method") && o.at("method") == "flint/inlineCompletion/partial" &&
               o.at("params").at("id") == id && o.at("params").at("done") == true;
    };
    for (const json::value& m : server.others)
        if (done(m)) return;
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        if (done(*message)) return;
        server.others.push_back(*message);
    }
}

json::value stats(LspProcess& server, int64_t id) {
    server.request(id, "flint/stats", nullptr);
    const json::value reply = server.responseTo(id);
    REQUIRE(reply.as_object().contains("result"));
    return reply.at("result");
}

double number(const json::value& v) { return v.to_number<double>(); }

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

// GET http://127.0.0.1:port/path with a deadline on each socket call; the whole response.
std::string httpGet(uint16_t port, const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    std::string response;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    return response;
}

std::string run(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    status = ::pclose(pipe);
    return out;
}

std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("flint-stats-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

// The port of the Prometheus export flint/stats names.
uint16_t prometheusPort(const json::value& figures) {
    const std::string url(figures.at("export").at("prometheus").as_string());
    const std::string prefix = "http://127.0.0.1:";
    REQUIRE(url.starts_with(prefix));
    REQUIRE(url.ends_with("/metrics"));
    return static_cast<uint16_t>(std::stoi(url.substr(prefix.size())));
}

// GET /metrics parsed by the official client's parser: {family: {type, samples: [[name, labels, value]]}}.
json::value scrape(uint16_t port) {
    const std::string response = httpGet(port, "/metrics");
    REQUIRE(response.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(response.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    const std::filesystem::path text = scratch("metrics.txt");
    std::ofstream(text) << response.substr(response.find("\r\n\r\n") + 4);
    int status = 0;
    const std::string parsed =
        run("'" FLINT_PYTHON3 "' '" FLINT_SOURCE_DIR "/tests/support/parse-prometheus.py' '" + text.string() + "'", status);
    REQUIRE(status == 0);
    return json::parse(parsed).at("families");
}

// The value of the sample of `family` whose labels include all of `labels` (nothing if none).
std::optional<double> sample(const json::value& families, const std::string& family,
                             std::vector<std::pair<std::string, std::string>> labels) {
    const json::object* f = families.as_object().if_contains(family) ? &families.at(family).as_object() : nullptr;
    if (!f) return std::nullopt;
    for (const json::value& s : f->at("samples").as_array()) {
        const json::object& have = s.at(1).as_object();
        bool all = true;
        for (const auto& [key, value] : labels) all = all && have.contains(key) && have.at(key) == json::value(value);
        if (all) return s.at(2).to_number<double>();
    }
    return std::nullopt;
}

size_t modelRequests(ScriptedModelServer& model) { return model.control("GET", "/__flint/requests").as_array().size(); }

// Lets a held stream go on, once it is held (the request may still be on its way).
void release(ScriptedModelServer& model) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (model.control("POST", "/__flint/release").at("released").to_number<int64_t>() == 0)
        REQUIRE(std::chrono::steady_clock::now() < deadline);
}

void change(LspProcess& server, const std::string& uri, int64_t version, json::value at, const std::string& text) {
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", uri}, {"version", version}}},
        {"contentChanges", json::array{json::object{{"range", std::move(at)}, {"text", text}}}}});
}

// Next edit: the user renames `count` on line 1; the model carries the rename on.
const std::string kNextUri = "file:///work/totals.py";
const std::string kNextSource =
    "def summarize(items):\n"
    "    count = 0\n"
    "    for item in items:\n"
    "        count += item.size\n"
    "    return count\n";
const std::string kNextRewrite =
    "def summarize(items):\n"
    "    total = 0\n"
    "    for item in items:\n"
    "        total += item.size\n"
    "    return total\n";

json::value inlineEdit(LspProcess& server, int64_t id, int64_t version) {
    server.request(id, "flint/inlineEdit", json::object{
        {"textDocument", json::object{{"uri", kNextUri}, {"version", version}}}, {"position", position(1, 9)}});
    return server.responseTo(id);
}

// Code actions: a rewrite of one line of a method.
const std::string kActionUri = "file:///work/shape.py";
const std::string kActionSource =
    "import math\n"
    "\n"
    "class Shape:\n"
    "    def area(self, r):\n"
    "        total = 0\n"
    "        total = total + math.pi * r * r\n"
    "        return total\n";
const std::string kActionRewrite = "        total = total + math.pi * r ** 2\n";

} // namespace

TEST_CASE("flint/stats: slow first tokens raise the TTFT quantiles and turn the status to degraded") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"({"reply":"return a + b\n","tokensPerSecond":200})");
    LspProcess server;
    start(server, json::object{{"provider", providerFor(model)},
                               {"stats", json::object{{"degradedTtftMs", 1000}, {"degradedSamples", 3},
                                                      {"probeAfterMs", 600000}}}});
    server.waitStatus("ready");

    const json::value before = stats(server, 2);
    CHECK(before.at("features").at("inline").at("provider") == "default");
    CHECK(before.at("export").at("prometheus").is_null());  // exports are off by default
    CHECK(before.at("export").at("otlpFile").is_null());

    for (int64_t id = 10; id < 12; ++id) {
        complete(server, id);
        waitDone(server, id);
    }
    const json::value fast = stats(server, 3);
    const json::value& provider = fast.at("providers").at("default");
    CHECK(provider.at("requests") == 2);
    CHECK(provider.at("completed") == 2);
    CHECK(provider.at("ttftMs").at("samples") == 2);
    CHECK(provider.at("tokensPerSecond").at("samples").as_int64() >= 1);
    CHECK(provider.at("model") == "m");
    // One warm connection carries the requests (a second only if the first request came
    // while the warm-up connection was still being opened).
    const json::value& connections = provider.at("connections");
    CHECK(connections.at("opened").as_int64() >= 1);
    CHECK(connections.at("opened").as_int64() <= 2);
    CHECK(connections.at("reused").as_int64() >= 1);
    CHECK(connections.at("idle").as_int64() <= 4);
    const json::value& feature = fast.at("features").at("inline");
    CHECK(feature.at("requests") == 2);
    CHECK(feature.at("modelRequests") == 2);
    CHECK(feature.at("ttftMs").at("samples") == 2);
    CHECK(feature.at("addedMs").at("samples") == 2);
    CHECK(number(feature.at("addedMs").at("p50")) >= 0);

    model.control("POST", "/__flint/script", R"({"ttftMs":1300})");
    for (int64_t id = 20; id < 23; ++id) {
        complete(server, id);
        waitDone(server, id);
    }
    const json::value degraded = server.waitStatus("degraded");
    CHECK(std::string(degraded.at("message").as_string()).find("degraded: the model: recent median time to first token") == 0);
    CHECK(std::string(degraded.at("reason").as_string()).find("(over 1000 ms)") != std::string::npos);

    const json::value slow = stats(server, 4);
    const json::value& ttft = slow.at("providers").at("default").at("ttftMs");
    CHECK(ttft.at("samples") == 5);
    CHECK(number(ttft.at("p90")) >= 1300);  // the scripted server waits that long: never less
    CHECK(number(ttft.at("p99")) >= 1300);
    CHECK(slow.at("providers").at("default").at("degraded") == true);
    CHECK(number(slow.at("features").at("inline").at("ttftMs").at("p99")) >= 1300);
    finish(server);
}

TEST_CASE("flint/stats: a 429 is counted, with the time the rate limit ends, acceptance is counted") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    // No prefetch: it would be a model request of its own once the suggestion is shown.
    start(server, json::object{{"provider", providerFor(model)}, {"inline", json::object{{"prefetch", false}}}});
    server.waitStatus("ready");

    const json::value answer = complete(server, 10);
    waitDone(server, 10);
    const json::value& item = answer.at("result").at("items").at(0);
    server.notify("textDocument/didShowCompletion", json::object{{"item", item}});
    server.request(11, "workspace/executeCommand", json::object{
        {"command", item.at("command").at("command")}, {"arguments", item.at("command").at("arguments")}});
    server.responseTo(11);

    model.control("POST", "/__flint/queue", R"({"fault":"429","retryAfter":120})");
    complete(server, 12);
    const json::value limited = server.waitStatus("rate-limited");
    CHECK(limited.at("until").is_string());

    const json::value figures = stats(server, 13);
    const json::value& provider = figures.at("providers").at("default");
    CHECK(provider.at("requests") == 2);
    CHECK(provider.at("rateLimited") == 1);
    CHECK(provider.at("failed") == 1);
    CHECK(provider.at("errors").at("rate-limited") == 1);
    // The same moment as the status says (each rounds to the second on its own).
    auto seconds = [](const json::value& iso) {
        std::tm t{};
        REQUIRE(strptime(std::string(iso.as_string()).c_str(), "%Y-%m-%dT%H:%M:%SZ", &t) != nullptr);
        return timegm(&t);
    };
    CHECK(std::abs(seconds(provider.at("rateLimitedUntil")) - seconds(limited.at("until"))) <= 1);
    const json::value& acceptance = figures.at("features").at("inline").at("acceptance");
    CHECK(acceptance.at("shown") == 1);
    CHECK(acceptance.at("accepted") == 1);
    CHECK(acceptance.at("rejected") == 0);
    CHECK(number(acceptance.at("rate")) == 1.0);
    finish(server);
}

TEST_CASE("flint/stats: a degraded provider hands inline completion to its configured fallback") {
    boost::asio::io_context loop;
    ScriptedModelServer slowModel(loop);
    ScriptedModelServer fastModel(loop);
    slowModel.control("POST", "/__flint/script", R"({"ttftMs":1300})");
    LspProcess server;
    start(server, json::object{
        {"providers", json::object{{"main", providerFor(slowModel)}, {"backup", providerFor(fastModel)}}},
        {"features", json::object{{"inline", json::object{{"provider", "main"}, {"fallback", "backup"}}}}},
        {"stats", json::object{{"degradedTtftMs", 1000}, {"degradedSamples", 3}, {"probeAfterMs", 600000}}}});
    const json::value ready = server.waitStatus("ready");
    CHECK(ready.at("provider").at("endpoint").as_string() == endpointOf(slowModel));

    for (int64_t id = 10; id < 13; ++id) {
        complete(server, id);
        waitDone(server, id);
    }
    const json::value degraded = server.waitStatus("degraded");
    CHECK(std::string(degraded.at("message").as_string()).find("serving from fallback 'backup'") != std::string::npos);
    CHECK(degraded.at("provider").at("endpoint").as_string() == endpointOf(fastModel));  // who serves now

    complete(server, 20);
    waitDone(server, 20);
    CHECK(fastModel.control("GET", "/__flint/requests").as_array().size() == 1);
    CHECK(slowModel.control("GET", "/__flint/requests").as_array().size() == 3);
    const json::value figures = stats(server, 21);
    CHECK(figures.at("features").at("inline").at("provider") == "backup");
    CHECK(figures.at("features").at("inline").at("servedByFallback") == true);
    CHECK(figures.at("providers").at("main").at("degraded") == true);
    CHECK(figures.at("providers").at("backup").at("requests") == 1);
    finish(server);
}

TEST_CASE("export: Prometheus text on 127.0.0.1 parses with the official parser, OTLP/JSON lines go to a file") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    const std::filesystem::path otlp = scratch("metrics.jsonl");
    std::filesystem::remove(otlp);
    LspProcess server;
    start(server, json::object{{"provider", providerFor(model)},
                               {"stats", json::object{{"prometheusPort", 0}, {"otlpFile", otlp.string()},
                                                      {"exportIntervalMs", 100}}}});
    server.waitStatus("ready");
    complete(server, 10);
    waitDone(server, 10);

    const json::value figures = stats(server, 11);
    const uint16_t port = prometheusPort(figures);
    CHECK(port != 0);
    const json::value families = scrape(port);
    // prometheus_client names a counter's family without _total.
    const json::value& requests = families.at("flint_provider_requests");
    CHECK(requests.at("type") == "counter");
    REQUIRE(requests.at("samples").as_array().size() == 1);
    CHECK(requests.at("samples").at(0).at(0) == "flint_provider_requests_total");
    CHECK(requests.at("samples").at(0).at(1).at("provider") == "default");
    CHECK(number(requests.at("samples").at(0).at(2)) == 1);
    const json::value& ttft = families.at("flint_provider_time_to_first_token_seconds");
    CHECK(ttft.at("type") == "summary");
    CHECK(ttft.at("samples").as_array().size() == 5);  // three quantiles, _sum, _count
    CHECK(families.at("flint_feature_suggestions").at("type") == "counter");
    CHECK(families.at("flint_provider_degraded").at("type") == "gauge");
    // Every feature's figures: next edit's and code actions' too (nothing asked of them yet).
    for (const std::string feature : {"inline", "nextEdit", "actions"}) {
        INFO(feature);
        CHECK(sample(families, "flint_feature_requests", {{"feature", feature}}).has_value());
        CHECK(sample(families, "flint_feature_requests_cancelled", {{"feature", feature}}).has_value());
        CHECK(sample(families, "flint_feature_tokens_per_second", {{"feature", feature}}).has_value());
        CHECK(sample(families, "flint_feature_added_seconds", {{"feature", feature}}).has_value());
    }
    CHECK(*sample(families, "flint_feature_requests", {{"feature", "inline"}}) == 1);
    CHECK(*sample(families, "flint_feature_requests", {{"feature", "nextEdit"}}) == 0);
    CHECK(families.at("flint_feature_tokens_per_second").at("type") == "summary");
    CHECK(families.at("flint_feature_errors").at("type") == "counter");
    CHECK(httpGet(port, "/other").starts_with("HTTP/1.1 404"));

    // The OTLP file gets a line every interval; wait (with a deadline) for one written
    // after the request (earlier lines have no provider figures yet).
    auto requestsPoint = [](const json::value& line) -> const json::value* {
        const json::value& metrics = line.at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics");
        for (const json::value& m : metrics.as_array()) {
            if (m.at("name") != "flint_provider_requests_total") continue;
            CHECK(m.at("sum").at("isMonotonic") == true);
            const json::array& points = m.at("sum").at("dataPoints").as_array();
            return points.empty() ? nullptr : &points.front();
        }
        FAIL("no flint_provider_requests_total in an OTLP line");
        return nullptr;
    };
    json::value found;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (found.is_null() && std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(otlp);
        for (std::string text; std::getline(in, text);) {
            boost::system::error_code ec;
            json::value line = json::parse(text, ec);
            if (ec) continue;  // a line still being written
            if (const json::value* point = requestsPoint(line)) found = *point;
        }
        if (found.is_null()) std::this_thread::sleep_for(20ms);  // polling the file, under the deadline
    }
    REQUIRE(found.is_object());
    CHECK(number(found.at("asDouble")) == 1);
    CHECK(found.at("attributes").at(0).at("key") == "provider");
    CHECK(found.at("attributes").at(0).at("value").at("stringValue") == "default");
    finish(server);
    std::filesystem::remove_all(otlp.parent_path());
}

TEST_CASE("flint/stats: next edit's figures move with the model's timing and faults and the user's feedback") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script",
                  json::serialize(json::object{{"reply", kNextRewrite}, {"ttftMs", 300}, {"tokensPerSecond", 400}, {"tokenChars", 3}}));
    LspProcess server;
    json::object options{{"provider", providerFor(model)}, {"nextEdit", json::object{{"quietMs", 0}}},
                         {"stats", json::object{{"prometheusPort", 0}}}};
    start(server, options);
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kNextUri}, {"languageId", "python"}, {"version", 1}, {"text", kNextSource}}}});
    change(server, kNextUri, 2, range(1, 4, 1, 9), "total");

    // A suggestion, shown and accepted; asked again, it comes from the store.
    const json::value first = inlineEdit(server, 10, 2);
    const json::array& edits = first.at("result").at("edits").as_array();
    REQUIRE(edits.size() == 2);
    server.notify("textDocument/didShowInlineEdit", json::object{{"item", edits[0]}});
    server.notify("textDocument/didShowInlineEdit", json::object{{"item", edits[0]}});  // drawn again: still one
    server.request(11, "workspace/executeCommand", json::object{
        {"command", edits[0].at("command").at("command")}, {"arguments", edits[0].at("command").at("arguments")}});
    server.responseTo(11);
    CHECK(inlineEdit(server, 12, 2).at("result").at("edits").as_array().size() == 2);
    CHECK(modelRequests(model) == 1);

    // Typing something else where it edits drops it (it was accepted: no rejection); the
    // next suggestion is shown, then dropped the same way without an accept: rejected.
    change(server, kNextUri, 3, range(3, 8, 3, 13), "counter");
    const json::value second = inlineEdit(server, 13, 3);
    REQUIRE_FALSE(second.at("result").at("edits").as_array().empty());
    server.notify("textDocument/didShowInlineEdit", json::object{{"item", second.at("result").at("edits").at(0)}});
    change(server, kNextUri, 4, range(3, 8, 3, 15), "counted");

    // A 500 from the model: an error of that kind, and nothing offered.
    model.control("POST", "/__flint/queue", R"({"fault":"500"})");
    CHECK(inlineEdit(server, 14, 4).at("result").at("edits").as_array().empty());

    // The editor cancels a request that waits for the model.
    change(server, kNextUri, 5, range(3, 8, 3, 15), "countex");
    model.control("POST", "/__flint/queue", R"({"holdAfter":1})");
    server.request(15, "flint/inlineEdit", json::object{
        {"textDocument", json::object{{"uri", kNextUri}, {"version", 5}}}, {"position", position(1, 9)}});
    CHECK(model.control("GET", "/__flint/wait?id=4&for=received").at("id") == 4);
    server.notify("$/cancelRequest", json::object{{"id", 15}});
    CHECK(server.responseTo(15).at("error").at("code") == -32800);
    release(model);

    // Over its tokens-per-minute budget: not sent, counted as skipped, and the user is told.
    options["nextEdit"].as_object()["tokensPerMinute"] = 50;
    server.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", options}}}});
    change(server, kNextUri, 6, range(0, 4, 0, 13), "summarise");
    CHECK(inlineEdit(server, 16, 6).at("result").at("edits").as_array().empty());
    CHECK(modelRequests(model) == 4);

    const json::value figures = stats(server, 17);
    INFO(json::serialize(figures.at("features").at("nextEdit")));
    const json::value& f = figures.at("features").at("nextEdit");
    CHECK(f.at("provider") == "default");
    CHECK(f.at("requests") == 6);
    CHECK(f.at("modelRequests") == 4);
    CHECK(f.at("cacheHits") == 1);
    CHECK(f.at("requestsCancelled") == 1);
    CHECK(f.at("errors") == json::object{{"http-5xx", 1}});
    CHECK(f.at("skipped") == json::object{{"budget", 1}});
    CHECK(f.at("dropped").as_int64() >= 2);
    const json::value& acceptance = f.at("acceptance");
    CHECK(acceptance.at("shown") == 2);
    CHECK(acceptance.at("accepted") == 1);
    CHECK(acceptance.at("rejected") == 1);
    CHECK(number(acceptance.at("rate")) == 0.5);
    // The scripted model waits 300 ms before its first token: never less.
    CHECK(f.at("ttftMs").at("samples").as_int64() >= 2);
    CHECK(number(f.at("ttftMs").at("p50")) >= 300);
    CHECK(f.at("addedMs").at("samples").as_int64() >= 2);
    CHECK(number(f.at("addedMs").at("p50")) >= 0);
    CHECK(number(f.at("addedMs").at("p50")) < number(f.at("ttftMs").at("p50")));
    CHECK(f.at("tokensPerSecond").at("samples").as_int64() >= 1);
    CHECK(number(f.at("tokensPerSecond").at("p50")) > 0);
    int paused = 0;
    for (const json::value& m : server.others)
        if (m.as_object().contains("method") && m.at("method") == "window/showMessage" &&
            std::string(m.at("params").at("message").as_string()).find("next-edit suggestions are paused") != std::string::npos)
            ++paused;
    CHECK(paused == 1);

    // The same figures in the Prometheus export.
    const json::value families = scrape(prometheusPort(figures));
    CHECK(sample(families, "flint_feature_requests", {{"feature", "nextEdit"}}) == 6.0);
    CHECK(sample(families, "flint_feature_suggestions", {{"feature", "nextEdit"}, {"outcome", "rejected"}}) == 1.0);
    CHECK(sample(families, "flint_feature_errors", {{"feature", "nextEdit"}, {"kind", "http-5xx"}}) == 1.0);
    CHECK(sample(families, "flint_feature_skipped", {{"feature", "nextEdit"}, {"reason", "budget"}}) == 1.0);
    CHECK(*sample(families, "flint_feature_time_to_first_token_seconds", {{"feature", "nextEdit"}, {"quantile", "0.5"}}) >= 0.3);
    finish(server);
}

TEST_CASE("flint/stats: code actions' figures: offered, resolved, applied or not, refused, failed, cancelled") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kActionRewrite}, {"ttftMs", 200}}));
    LspProcess server;
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()},
        {"capabilities", json::object{
            {"textDocument", json::object{{"codeAction", json::object{
                {"resolveSupport", json::object{{"properties", json::array{"edit"}}}}}}}},
            {"workspace", json::object{{"workspaceEdit", json::object{{"documentChanges", true}}}, {"applyEdit", true}}}}},
        {"initializationOptions", json::object{{"provider", providerFor(model)},
                                               {"stats", json::object{{"prometheusPort", 0}}}}}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kActionUri}, {"languageId", "python"}, {"version", 1}, {"text", kActionSource}}}});

    server.request(2, "textDocument/codeAction", json::object{
        {"textDocument", json::object{{"uri", kActionUri}}}, {"range", range(5, 8, 5, 40)},
        {"context", json::object{{"diagnostics", json::array{}}}}});
    const json::array actions = server.responseTo(2).at("result").as_array();
    REQUIRE_FALSE(actions.empty());
    json::value rewrite;
    for (const json::value& a : actions)
        if (a.at("data").at("action") == "rewrite") rewrite = a;
    REQUIRE(rewrite.is_object());
    auto run = [&](int64_t id) {
        server.request(id, "workspace/executeCommand",
                       json::object{{"command", "flint.runCodeAction"}, {"arguments", json::array{rewrite.at("data")}}});
    };

    server.request(3, "codeAction/resolve", rewrite);  // resolved
    CHECK(server.responseTo(3).at("result").as_object().contains("edit"));
    model.control("POST", "/__flint/queue",
                  json::serialize(json::object{{"reply", "        total = (total + math.pi * r * r\n"}}));
    server.request(4, "codeAction/resolve", rewrite);  // refused: a syntax error
    CHECK(server.responseTo(4).at("error").at("code") == -32803);
    model.control("POST", "/__flint/queue", R"({"fault":"500"})");
    server.request(5, "codeAction/resolve", rewrite);  // the model failed
    CHECK(server.responseTo(5).as_object().contains("error"));
    run(6);  // applied
    server.answer(server.serverRequest("workspace/applyEdit"), json::object{{"applied", true}});
    CHECK(server.responseTo(6).at("result").is_null());
    run(7);  // the editor did not apply it
    server.answer(server.serverRequest("workspace/applyEdit"), json::object{{"applied", false}});
    CHECK(server.responseTo(7).as_object().contains("error"));
    model.control("POST", "/__flint/queue", R"({"holdAfter":0})");
    run(8);  // cancelled while the model writes
    CHECK(model.control("GET", "/__flint/wait?id=6&for=received").at("id") == 6);
    server.notify("$/cancelRequest", json::object{{"id", 8}});
    CHECK(server.responseTo(8).at("error").at("code") == -32800);
    CHECK(model.control("GET", "/__flint/wait?id=6&for=aborted").at("aborted") == true);
    change(server, kActionUri, 2, range(0, 0, 0, 0), "# edited\n");
    server.request(9, "codeAction/resolve", rewrite);  // listed for older text: not run
    CHECK(server.responseTo(9).at("error").at("code") == -32801);
    CHECK(modelRequests(model) == 6);

    const json::value figures = stats(server, 10);
    INFO(json::serialize(figures.at("features").at("actions")));
    const json::value& f = figures.at("features").at("actions");
    CHECK(f.at("listed") == 1);
    CHECK(f.at("requests") == 7);
    CHECK(f.at("modelRequests") == 6);
    CHECK(f.at("requestsCancelled") == 1);
    CHECK(f.at("streamsCancelled") == 1);
    CHECK(f.at("errors") == json::object{{"http-5xx", 1}});
    CHECK(f.at("skipped") == json::object{{"content-modified", 1}});
    const json::value& acceptance = f.at("acceptance");
    CHECK(acceptance.at("offered") == actions.size());
    CHECK(acceptance.at("resolved") == 1);
    CHECK(acceptance.at("applied") == 1);
    CHECK(acceptance.at("applyFailed") == 1);
    CHECK(acceptance.at("refused") == json::object{{"syntax-error", 1}});
    CHECK(acceptance.at("cancelled") == 1);
    // The scripted model waits 200 ms before its first token: never less. Flint's own
    // time is sampled for each rewrite it checked (resolved, refused, applied, not applied).
    CHECK(f.at("ttftMs").at("samples").as_int64() >= 4);
    CHECK(number(f.at("ttftMs").at("p50")) >= 200);
    CHECK(f.at("addedMs").at("samples") == 4);
    CHECK(number(f.at("addedMs").at("p50")) < number(f.at("ttftMs").at("p50")));
    CHECK(f.at("tokensPerSecond").at("samples").as_int64() >= 1);

    const json::value families = scrape(prometheusPort(figures));
    CHECK(sample(families, "flint_feature_suggestions", {{"feature", "actions"}, {"outcome", "applied"}}) == 1.0);
    CHECK(sample(families, "flint_feature_suggestions", {{"feature", "actions"}, {"outcome", "apply_failed"}}) == 1.0);
    CHECK(sample(families, "flint_feature_suggestions", {{"feature", "actions"}, {"outcome", "offered"}}) ==
          static_cast<double>(actions.size()));
    CHECK(sample(families, "flint_feature_refused", {{"feature", "actions"}, {"reason", "syntax-error"}}) == 1.0);
    CHECK(sample(families, "flint_feature_errors", {{"feature", "actions"}, {"kind", "http-5xx"}}) == 1.0);
    CHECK(sample(families, "flint_feature_requests_cancelled", {{"feature", "actions"}}) == 1.0);
    CHECK(families.at("flint_feature_refused").at("type") == "counter");
    finish(server);
}
