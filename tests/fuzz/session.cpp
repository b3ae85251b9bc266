// Editor sessions against the real LanguageServer: the input drives a generator
// (FuzzedDataProvider) that plays an editor: initialize with random capabilities and
// settings, then open documents, type (didChange with random ranges in the negotiated
// encoding, in or out of range, stale versions, several changes at once, whole-text
// replacements), ask for inline completions, completions, code actions, next edits,
// feed back what was shown and accepted, cancel, change the configuration, answer or
// fail the server's own requests, and let the event loop run some or all of its
// deferred work between messages (so work lands between edits, as it does live).
// Checks: ServerDriver.h on every message out; after every change the server's text
// of each open document equals a reference model's (ReferenceText.h); the server
// always stops once told to or once its input ends.
#include "ReferenceText.h"
#include "ServerDriver.h"

#include <fuzzer/FuzzedDataProvider.h>

using namespace flint;
using namespace flint::fuzz;

namespace {

// Values a setting may get: plausible ones and the edges of every JSON number type.
json::value someScalar(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
        return nullptr;
    case 1:
        return in.ConsumeBool();
    case 2: {
        static const int64_t ints[] = {
            0,    1,     -1,    2,          3,          8,           50,        100,      500,
            1000, 65535, 65536, 2147483647, 2147483648, -2147483649, INT64_MAX, INT64_MIN};
        return in.PickValueInArray(ints);
    }
    case 3: {
        static const double doubles[] = {0.5,    -0.5,   1e300,        -1e300, 1e-300,
                                         1.8e19, 9.3e18, 4294967296.0, 1e9,    0.0};
        return in.PickValueInArray(doubles);
    }
    case 4:
        return UINT64_MAX;
    default: {
        static const char* const strings[] = {"auto",
                                              "",
                                              "x",
                                              "openai-chat",
                                              "openai-responses",
                                              "openai-completions",
                                              "llama-infill",
                                              "ollama",
                                              "http://127.0.0.1:9/v1",
                                              "https://[::1]:9",
                                              "ws://x",
                                              "~/k",
                                              "*.py",
                                              "**/*",
                                              "!x",
                                              "default",
                                              "fast",
                                              "utf-8",
                                              "FLINT_FUZZ_NO_SUCH_KEY",
                                              "é😀",
                                              "a\nb",
                                              "1",
                                              "-1",
                                              "true"};
        return in.PickValueInArray(strings);
    }
    }
}

// A settings object with the names Flint reads, nested a little, values of any kind.
json::value someSettings(FuzzedDataProvider& in, int depth = 0) {
    static const char* const keys[] = {"inline",
                                       "context",
                                       "nextEdit",
                                       "stats",
                                       "provider",
                                       "providers",
                                       "features",
                                       "hedge",
                                       "fallback",
                                       "trustWorkspaceEndpoints",
                                       "debounceMs",
                                       "debounceMaxMs",
                                       "prefetch",
                                       "prefetchPerMinute",
                                       "cacheEntries",
                                       "completionFallback",
                                       "maxPromptTokens",
                                       "contextWindow",
                                       "snippets",
                                       "definitions",
                                       "exclude",
                                       "workspaceIndex",
                                       "maxWorkspaceFiles",
                                       "maxFileBytes",
                                       "enabled",
                                       "regionLines",
                                       "quietMs",
                                       "template",
                                       "disabledLanguages",
                                       "disabledGlobs",
                                       "tokensPerMinute",
                                       "requestsPerMinute",
                                       "requestsPerDay",
                                       "tokensPerDay",
                                       "burst",
                                       "requestsPerSecond",
                                       "tokensPerSecond",
                                       "budget",
                                       "degradedTtftMs",
                                       "degradedSamples",
                                       "probeAfterMs",
                                       "prometheusPort",
                                       "otlpFile",
                                       "exportIntervalMs",
                                       "adaptive",
                                       "endpoint",
                                       "model",
                                       "format",
                                       "kind",
                                       "apiKeyEnv",
                                       "apiKeyFile",
                                       "timeoutMs",
                                       "firstTokenTimeoutMs",
                                       "maxRetries",
                                       "maxResponseBytes",
                                       "predictBudgetMs",
                                       "slot",
                                       "transport",
                                       "webSocketMaxAgeMs",
                                       "proxy",
                                       "tlsVerify",
                                       "caFile",
                                       "command",
                                       "healthPath",
                                       "startTimeoutMs",
                                       "hedgeAfterMs",
                                       "flint",
                                       "flintUserSettings",
                                       "scope"};
    json::object o;
    const int n = in.ConsumeIntegralInRange<int>(0, 4);
    for (int i = 0; i < n; ++i) {
        const char* key = in.PickValueInArray(keys);
        if (depth < 2 && in.ConsumeIntegralInRange<int>(0, 2) == 0)
            o[key] = someSettings(in, depth + 1);
        else if (in.ConsumeIntegralInRange<int>(0, 6) == 0)
            o[key] = json::array{someScalar(in), someScalar(in)};
        else
            o[key] = someScalar(in);
    }
    return o;
}

std::string someText(FuzzedDataProvider& in, size_t max) {
    static const char* const pieces[] = {"\n",         "\r\n",
                                         "\r",         "é",
                                         "😀",          "中",
                                         "\t",         "    ",
                                         "(",          ")",
                                         "{",          "}",
                                         "[",          "]",
                                         ":",          ";",
                                         ",",          ".",
                                         "=",          "\"",
                                         "'",          "#",
                                         "//",         "/*",
                                         "*/",         "def ",
                                         "f",          "(x)",
                                         "return ",    "if ",
                                         "for x in y", "int ",
                                         "main",       "x",
                                         "y",          "total",
                                         "count",      "import os",
                                         "class A",    "API_KEY=\"sk-abc\"",
                                         "print(",     "value = compute(1)",
                                         "pass",       "}\n",
                                         "  ",         "a",
                                         "0",          "1"};
    std::string out;
    const size_t parts = in.ConsumeIntegralInRange<size_t>(0, max);
    for (size_t i = 0; i < parts && in.remaining_bytes() > 0; ++i)
        out += in.PickValueInArray(pieces);
    return out;
}

struct OpenDocument {
    ReferenceText text;
    int64_t version = 1;
};

class Session {
public:
    explicit Session(FuzzedDataProvider& in) : in_(in) {}

    void run() {
        initialize();
        // Short sessions, many of them: libFuzzer learns more from 10,000 sessions of 60
        // steps than from 100 of 6,000.
        for (int steps = 0; steps < kMaxSteps && in_.remaining_bytes() > 0 && !driver_.exited();
             ++steps) {
            step();
            collect();
            checkDocuments();
        }
        if (!driver_.exited()) driver_.server().onEndOfInput();
        FUZZ_CHECK(driver_.exited(), "the server did not stop when its input ended");
        driver_.drain();
    }

private:
    static constexpr int kMaxSteps = 60;

    json::value position(const std::string& uri) {
        const auto it = docs_.find(uri);
        const uint32_t lines =
            it == docs_.end() ? 3 : static_cast<uint32_t>(it->second.text.lines().size());
        return json::object{{"line", in_.ConsumeIntegralInRange<uint32_t>(0, lines)},
                            {"character", in_.ConsumeIntegralInRange<uint32_t>(0, 12)}};
    }
    std::string someUri() {
        static const char* const uris[] = {
            "file:///nonexistent/w/a.py", "file:///nonexistent/w/b.c",
            "file:///nonexistent/w/c.ts", "file:///nonexistent/w/d.txt",
            "file:///nonexistent/w/.env", "untitled:Untitled-1"};
        if (!docs_.empty() && in_.ConsumeBool()) {
            auto it = docs_.begin();
            std::advance(it, in_.ConsumeIntegralInRange<size_t>(0, docs_.size() - 1));
            return it->first;
        }
        return in_.PickValueInArray(uris);
    }
    json::value textDocument(const std::string& uri) {
        json::object id{{"uri", uri}};
        if (in_.ConsumeBool()) {
            const auto it = docs_.find(uri);
            id["version"] = it == docs_.end() || in_.ConsumeIntegralInRange<int>(0, 7) == 0
                                ? json::value(in_.ConsumeIntegralInRange<int64_t>(-2, 9))
                                : json::value(it->second.version);
        }
        return id;
    }

    int64_t request(std::string_view method, json::value params) {
        const int64_t id = nextId_++;
        recentIds_.push_back(id);
        send(json::object{
            {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return id;
    }
    void notify(std::string_view method, json::value params) {
        send(json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }
    void send(const json::value& message) { driver_.receive(json::serialize(message)); }

    void initialize() {
        json::array encodings;
        static const char* const names[] = {"utf-8", "utf-16", "utf-32", "ucs-2"};
        for (int i = in_.ConsumeIntegralInRange<int>(0, 3); i > 0; --i)
            encodings.emplace_back(in_.PickValueInArray(names));
        json::object textDocument;
        if (in_.ConsumeBool()) textDocument["inlineCompletion"] = json::object{};
        if (in_.ConsumeBool())
            textDocument["codeAction"] =
                json::object{{"resolveSupport", json::object{{"properties", json::array{"edit"}}}},
                             {"disabledSupport", in_.ConsumeBool()},
                             {"dataSupport", true}};
        json::object capabilities{
            {"general", json::object{{"positionEncodings", encodings}}},
            {"textDocument", textDocument},
            {"workspace",
             json::object{{"configuration", in_.ConsumeBool()},
                          {"workspaceEdit", json::object{{"documentChanges", in_.ConsumeBool()}}},
                          {"didChangeWatchedFiles",
                           json::object{{"dynamicRegistration", in_.ConsumeBool()}}}}},
            {"window", json::object{{"workDoneProgress", in_.ConsumeBool()}}}};
        json::object params{
            {"processId", nullptr},
            {"capabilities", capabilities},
            {"clientInfo", json::object{{"name", in_.ConsumeBool() ? "copilot-fuzz" : "fuzz"}}}};
        if (in_.ConsumeBool()) params["initializationOptions"] = someSettings(in_);
        if (in_.ConsumeBool())
            params["workspaceFolders"] =
                json::array{json::object{{"uri", "file:///nonexistent/w"}, {"name", "w"}}};
        request("initialize", params);
        encoding_ = driver_.server().context().encoding;
        notify("initialized", json::object{});
    }

    void open() {
        const std::string uri = someUri();
        static const char* const languages[] = {"python",     "c",    "typescript", "plaintext",
                                                "javascript", "rust", "x"};
        OpenDocument doc;
        doc.text.text = someText(in_, 60);
        doc.version = in_.ConsumeIntegralInRange<int64_t>(0, 3);
        notify("textDocument/didOpen",
               json::object{
                   {"textDocument", json::object{{"uri", uri},
                                                 {"languageId", in_.PickValueInArray(languages)},
                                                 {"version", doc.version},
                                                 {"text", doc.text.text}}}});
        docs_[uri] = std::move(doc);
    }

    void change() {
        if (docs_.empty()) return open();
        auto it = docs_.begin();
        std::advance(it, in_.ConsumeIntegralInRange<size_t>(0, docs_.size() - 1));
        OpenDocument& doc = it->second;
        json::array changes;
        for (int n = in_.ConsumeIntegralInRange<int>(1, 3); n > 0; --n) {
            const std::string text = someText(in_, 4);
            if (in_.ConsumeIntegralInRange<int>(0, 19) == 0) {
                changes.push_back(json::object{{"text", text}});
                doc.text.text = text;
                continue;
            }
            const auto lines = doc.text.lines();
            auto somewhere = [&] {
                const uint32_t line =
                    in_.ConsumeIntegralInRange<uint32_t>(0, static_cast<uint32_t>(lines.size()));
                const size_t width =
                    line < lines.size() ? lines[line].contentEnd - lines[line].start : 0;
                return TextPosition{line, in_.ConsumeIntegralInRange<uint32_t>(
                                              0, static_cast<uint32_t>(width + 1))};
            };
            TextPosition a = somewhere(), b = in_.ConsumeBool() ? a : somewhere();
            if (b.line < a.line || (b.line == a.line && b.character < a.character)) std::swap(a, b);
            const size_t start = doc.text.offsetAt(a, encoding_),
                         end = doc.text.offsetAt(b, encoding_);
            doc.text.text.replace(start, end - start, text);
            auto pos = [](TextPosition p) {
                return json::object{{"line", p.line}, {"character", p.character}};
            };
            changes.push_back(json::object{
                {"range", json::object{{"start", pos(a)}, {"end", pos(b)}}}, {"text", text}});
        }
        // Mostly the next version; sometimes a repeated or older one (the server warns and applies
        // it).
        doc.version = in_.ConsumeIntegralInRange<int>(0, 9) == 0 ? doc.version : doc.version + 1;
        notify("textDocument/didChange",
               json::object{
                   {"textDocument", json::object{{"uri", it->first}, {"version", doc.version}}},
                   {"contentChanges", changes}});
    }

    json::value someItem() {
        if (!items_.empty() && in_.ConsumeBool())
            return items_[in_.ConsumeIntegralInRange<size_t>(0, items_.size() - 1)];
        return json::object{{"insertText", someText(in_, 3)},
                            {"command", json::object{{"title", "x"},
                                                     {"command", "flint.acceptCompletion"},
                                                     {"arguments", json::array{someScalar(in_)}}}}};
    }
    json::value someArgument() {
        if (!suggestionIds_.empty() && in_.ConsumeBool())
            return suggestionIds_[in_.ConsumeIntegralInRange<size_t>(0, suggestionIds_.size() - 1)];
        if (!actions_.empty() && in_.ConsumeBool()) {
            json::value data = actions_[in_.ConsumeIntegralInRange<size_t>(0, actions_.size() - 1)];
            if (data.is_object() && in_.ConsumeBool())
                data.as_object()["instruction"] = someText(in_, 3);
            return data;
        }
        return in_.ConsumeBool() ? someScalar(in_) : someSettings(in_);
    }

    void step() {
        switch (in_.ConsumeIntegralInRange<int>(0, 24)) {
        case 0:
            return open();
        case 1:
        case 2:
        case 3:
        case 4:
            return change();
        case 5:
        case 6: {
            const std::string uri = someUri();
            json::object params{
                {"textDocument", textDocument(uri)},
                {"position", position(uri)},
                {"context", json::object{{"triggerKind", in_.ConsumeIntegralInRange<int>(0, 3)}}}};
            if (in_.ConsumeIntegralInRange<int>(0, 4) == 0)
                params["formattingOptions"] =
                    json::object{{"tabSize", someScalar(in_)}, {"insertSpaces", someScalar(in_)}};
            request("textDocument/inlineCompletion", params);
            return;
        }
        case 7: {
            const std::string uri = someUri();
            request("textDocument/completion",
                    json::object{{"textDocument", textDocument(uri)}, {"position", position(uri)}});
            return;
        }
        case 8: {
            const std::string uri = someUri();
            json::array diagnostics;
            if (in_.ConsumeBool())
                diagnostics.push_back(json::object{
                    {"range", json::object{{"start", position(uri)}, {"end", position(uri)}}},
                    {"message", someText(in_, 3)},
                    {"severity", 1}});
            request("textDocument/codeAction",
                    json::object{
                        {"textDocument", textDocument(uri)},
                        {"range", json::object{{"start", position(uri)}, {"end", position(uri)}}},
                        {"context", json::object{{"diagnostics", diagnostics}}}});
            return;
        }
        case 9: {
            json::object action{{"title", "x"}};
            if (!actions_.empty()) action["data"] = someArgument();
            request("codeAction/resolve", action);
            return;
        }
        case 10: {
            static const char* const commands[] = {"flint.acceptCompletion", "flint.runCodeAction",
                                                   "flint.acceptInlineEdit",
                                                   "flint.editWithInstruction", "nope"};
            json::array arguments;
            for (int n = in_.ConsumeIntegralInRange<int>(0, 2); n > 0; --n)
                arguments.push_back(someArgument());
            request("workspace/executeCommand",
                    json::object{{"command", in_.PickValueInArray(commands)},
                                 {"arguments", arguments}});
            return;
        }
        case 11: {
            const std::string uri = someUri();
            request(in_.ConsumeBool() ? "flint/inlineEdit" : "textDocument/copilotInlineEdit",
                    json::object{{"textDocument", textDocument(uri)}, {"position", position(uri)}});
            return;
        }
        case 12:
            if (in_.ConsumeBool())
                return notify("textDocument/didShowCompletion", json::object{{"item", someItem()}});
            return notify("textDocument/didPartiallyAcceptCompletion",
                          json::object{{"item", someItem()}, {"acceptedLength", someScalar(in_)}});
        case 13:
            return notify(
                "textDocument/didShowInlineEdit",
                in_.ConsumeBool()
                    ? json::object{{"id", someArgument()}}
                    : json::object{
                          {"item", json::object{{"command",
                                                 json::object{{"command", "flint.acceptInlineEdit"},
                                                              {"arguments",
                                                               json::array{someArgument()}}}}}}});
        case 14: {
            json::value id =
                recentIds_.empty() || in_.ConsumeIntegralInRange<int>(0, 5) == 0
                    ? someScalar(in_)
                    : json::value(
                          recentIds_[in_.ConsumeIntegralInRange<size_t>(0, recentIds_.size() - 1)]);
            return notify("$/cancelRequest", json::object{{"id", id}});
        }
        case 15:
            return notify("workspace/didChangeConfiguration",
                          json::object{{"settings", json::object{{"flint", someSettings(in_)}}}});
        case 16:
            return answerServer();
        case 17: {
            static const char* const methods[] = {"flint/inspect", "flint/stats"};
            const std::string uri = someUri();
            request(in_.PickValueInArray(methods),
                    json::object{{"textDocument", textDocument(uri)}, {"position", position(uri)}});
            return;
        }
        case 18: {
            const std::string uri = someUri();
            if (in_.ConsumeBool()) {
                notify("textDocument/didClose",
                       json::object{{"textDocument", json::object{{"uri", uri}}}});
                docs_.erase(uri);
            } else {
                notify("textDocument/didSave",
                       json::object{{"textDocument", json::object{{"uri", uri}}},
                                    {"text", someText(in_, 3)}});
            }
            return;
        }
        case 19:
            return notify(
                "workspace/didChangeWatchedFiles",
                json::object{{"changes", json::array{json::object{
                                             {"uri", someUri()},
                                             {"type", in_.ConsumeIntegralInRange<int>(0, 4)}}}}});
        case 20:
            driver_.run(in_.ConsumeIntegralInRange<size_t>(1, 8));
            return;
        case 21:
            driver_.drain();
            return;
        case 22:
            return notify(
                "window/workDoneProgress/cancel",
                json::object{{"token", progressTokens_.empty()
                                           ? someScalar(in_)
                                           : progressTokens_[in_.ConsumeIntegralInRange<size_t>(
                                                 0, progressTokens_.size() - 1)]}});
        case 23: {
            // Anything at all under a method the server knows.
            static const char* const methods[] = {"textDocument/inlineCompletion",
                                                  "textDocument/codeAction",
                                                  "codeAction/resolve",
                                                  "workspace/executeCommand",
                                                  "flint/inlineEdit",
                                                  "textDocument/didChange",
                                                  "textDocument/didOpen",
                                                  "initialize",
                                                  "shutdown",
                                                  "$/cancelRequest",
                                                  "textDocument/didShowCompletion",
                                                  "workspace/didChangeConfiguration"};
            json::value params = someSettings(in_);
            if (in_.ConsumeBool())
                request(in_.PickValueInArray(methods), params);
            else
                notify(in_.PickValueInArray(methods), params);
            // A broken didOpen/didChange may still have changed a document: resync the reference.
            resyncAll();
            return;
        }
        default:
            if (in_.ConsumeIntegralInRange<int>(0, 3) == 0) {
                request("shutdown", nullptr);
                if (in_.ConsumeBool()) notify("exit", nullptr);
            }
            return;
        }
    }

    // Answers the server's last request to the client: a result it expects, another, or an error.
    void answerServer() {
        const auto& pending = driver_.lastServerRequest();
        if (!pending) return;
        const json::value id = pending->at("id");
        const std::string method(pending->at("method").as_string());
        json::value result = nullptr;
        if (method == "workspace/configuration")
            result = json::array{someSettings(in_)};
        else if (method == "workspace/applyEdit")
            result = json::object{{"applied", in_.ConsumeBool()}};
        if (in_.ConsumeIntegralInRange<int>(0, 3) == 0) result = someSettings(in_);
        if (in_.ConsumeIntegralInRange<int>(0, 5) == 0)
            send(json::object{{"jsonrpc", "2.0"},
                              {"id", id},
                              {"error", json::object{{"code", -32603}, {"message", "no"}}}});
        else
            send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
    }

    // Remembers what the server offered (suggestion ids, items, actions, progress
    // tokens), so later steps can feed it back.
    void collect() {
        for (const json::value& message : driver_.outbox) {
            const json::object& o = message.as_object();
            if (const json::value* params = o.if_contains("params");
                params && params->is_object()) {
                if (const json::value* token = params->as_object().if_contains("token"))
                    remember(progressTokens_, *token);
                if (const json::value* id = params->as_object().if_contains("suggestionId"))
                    remember(suggestionIds_, *id);
            }
            const json::value* result = o.if_contains("result");
            if (!result) continue;
            const json::array* list = result->if_array();
            if (const json::object* r = result->if_object()) {
                if (const json::value* items = r->if_contains("items"))
                    list = items->if_array();
                else if (const json::value* edits = r->if_contains("edits"))
                    list = edits->if_array();
                if (const json::value* data = r->if_contains("data")) remember(actions_, *data);
            }
            if (!list) continue;
            for (const json::value& entry : *list) {
                remember(items_, entry);
                if (const json::object* e = entry.if_object())
                    if (const json::value* data = e->if_contains("data")) remember(actions_, *data);
            }
        }
        driver_.outbox.clear();
    }
    static void remember(std::vector<json::value>& list, const json::value& v) {
        if (list.size() >= 16) list.erase(list.begin());
        list.push_back(v);
    }

    void resyncAll() {
        for (auto it = docs_.begin(); it != docs_.end();) {
            const Document* doc = driver_.server().context().workspace.find(it->first);
            if (!doc) {
                it = docs_.erase(it);
                continue;
            }
            it->second.text.text = doc->text().str();
            it->second.version = doc->version();
            ++it;
        }
    }

    void checkDocuments() {
        for (const auto& [uri, doc] : docs_) {
            const Document* held = driver_.server().context().workspace.find(uri);
            FUZZ_CHECK(held, "a document the client opened is not open in the server");
            FUZZ_CHECK(held->text().str() == doc.text.text,
                       "the server's text differs from the editor's");
        }
    }

    FuzzedDataProvider& in_;
    ServerDriver driver_;
    PositionEncoding encoding_ = PositionEncoding::Utf16;
    std::map<std::string, OpenDocument> docs_;
    int64_t nextId_ = 1;
    std::vector<int64_t> recentIds_;
    std::vector<json::value> items_, suggestionIds_, actions_, progressTokens_;
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    silenceLogging();
    isolateFromTheMachine();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    Session(in).run();
    return 0;
}
