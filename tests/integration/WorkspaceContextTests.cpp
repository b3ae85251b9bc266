// What a model receives from the real flint-lsp binary in a real workspace folder:
// context from other open documents and from files only on disk, nothing from
// excluded files, secrets redacted, and no request at all for an excluded document.
#include "LspProcess.h"
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include "workspace/FileUri.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace flint::test;
namespace fs = std::filesystem;

namespace {

struct Folder {
    fs::path root;
    Folder() {
        root = fs::temp_directory_path() / ("flint-ws-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(root);
    }
    ~Folder() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void write(const std::string& relative, const std::string& text) const {
        fs::create_directories((root / relative).parent_path());
        std::ofstream(root / relative, std::ios::binary) << text;
    }
    std::string uri(const std::string& relative) const { return flint::fileUriFromPath((root / relative).string()); }
};

const std::string kMain =
    std::string("import os\n"
                "from app.shapes import describe_shape\n"
                "\n"
                "class Report:\n"
                "    def render(self, shape):\n"
                "        api_key = \"") + kBufferSecret + "\"\n"
    "        label = describe_shape(shape, convert_units(1, \"cm\"))\n"
    "        secret_helper(label)\n"
    "        return \n";
constexpr uint32_t kLine = 8, kCharacter = 15;  // after "return "

// Answers the server's requests (progress tokens, capability registration) and
// keeps every other message, until `done` holds for one; false on timeout.
template <class F>
bool pump(LspProcess& server, F done, std::vector<json::value>* serverRequests = nullptr) {
    for (;;) {
        auto message = server.next();
        if (!message) return false;
        const json::object& m = message->as_object();
        if (m.contains("method") && m.contains("id")) {
            if (serverRequests) serverRequests->push_back(*message);
            server.send(json::object{{"jsonrpc", "2.0"}, {"id", m.at("id")}, {"result", nullptr}});
        } else {
            server.others.push_back(*message);
        }
        if (done(*message)) return true;
    }
}

bool isProgressEnd(const json::value& m) {
    return m.as_object().contains("method") && m.at("method") == "$/progress" &&
           m.at("params").at("value").at("kind") == "end";
}

void open(LspProcess& server, const std::string& uri, const std::string& languageId, const std::string& text) {
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", languageId}, {"version", 1}, {"text", text}}}});
}

json::value completion(LspProcess& server, int64_t id, const std::string& uri, uint32_t line, uint32_t character) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", uri}}}, {"position", position(line, character)},
        {"context", json::object{{"triggerKind", 1}}}});
    json::value reply;
    REQUIRE(pump(server, [&](const json::value& m) {
        if (m.as_object().contains("id") && m.at("id") == id && !m.as_object().contains("method")) {
            reply = m;
            return true;
        }
        return false;
    }));
    return reply;
}

struct Session {
    Folder folder;
    boost::asio::io_context loop;
    ScriptedModelServer model{loop};
    LspProcess server;
    std::vector<json::value> serverRequests;

    explicit Session(const std::string& kind, json::object options = {},
                     const std::vector<std::pair<std::string, std::string>>& files = {},
                     const std::string& mainText = kMain) {
        for (const auto& [path, text] : files) folder.write(path, text);
        folder.write(".gitignore", "ignored/\n");
        folder.write("ignored/leak.py", "def secret_helper(x):\n    return 'IGNORED_CONTENT_MARKER'\n");
        folder.write(".env", "OPENAI_API_KEY=ENV_CONTENT_MARKER_value\n");
        folder.write("lib/units.py", "def convert_units(value, unit):\n    return value\n");
        folder.write("app/shapes.py", "def describe_shape(shape, unit):\n    return str(shape) + unit\n");
        folder.write("app/main.py", mainText);
        model.control("POST", "/__flint/script", R"({"reply":"label"})");
        json::object provider{{"kind", kind}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                              {"model", "m"}};
        if (const json::value* extra = options.if_contains("provider"))
            for (const auto& field : extra->as_object()) provider[field.key()] = field.value();
        options["provider"] = std::move(provider);
        server.request(1, "initialize", json::object{
            {"processId", ::getpid()},
            {"rootUri", flint::fileUriFromPath(folder.root.string())},
            {"capabilities", json::object{
                {"general", json::object{{"positionEncodings", json::array{"utf-16"}}}},
                {"window", json::object{{"workDoneProgress", true}}},
                {"workspace", json::object{{"didChangeWatchedFiles", json::object{{"dynamicRegistration", true}}}}}}},
            {"initializationOptions", options}});
        server.responseTo(1);
        server.notify("initialized");
        // The index is complete when the scan's progress ends.
        REQUIRE(pump(server, isProgressEnd, &serverRequests));
        open(server, folder.uri("app/shapes.py"), "python", "def describe_shape(shape, unit):\n    return str(shape) + unit\n");
        open(server, folder.uri("ignored/leak.py"), "python", "def secret_helper(x):\n    return 'IGNORED_CONTENT_MARKER'\n");
        open(server, folder.uri(".env"), "dotenv", "OPENAI_API_KEY=ENV_CONTENT_MARKER_value\n");
        open(server, folder.uri("app/main.py"), "python", mainText);
    }

    json::array requests() { return model.control("GET", "/__flint/requests").as_array(); }
    std::string lastBody() { return std::string(requests().back().at("body").as_string()); }

    ~Session() {
        server.request(99, "shutdown", nullptr);
        pump(server, [](const json::value& m) { return m.as_object().contains("id") && m.at("id") == 99; });
        server.notify("exit");
        server.waitExit();
    }
};

bool has(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

TEST_CASE("the chat request carries the enclosing signature, imports and definitions from open and unopened files") {
    Session s("openai-chat");
    // The watcher registration went out with the indexed languages' extensions.
    bool registered = false;
    for (const json::value& r : s.serverRequests)
        if (r.at("method") == "client/registerCapability") {
            const std::string text = json::serialize(r);
            registered = has(text, "workspace/didChangeWatchedFiles") && has(text, "**/*.{") && has(text, "py");
        }
    CHECK(registered);

    const json::value reply = completion(s.server, 2, s.folder.uri("app/main.py"), kLine, kCharacter);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "label");
    const json::value body = json::parse(s.lastBody());
    const std::string user(body.at("messages").at(1).at("content").as_string());
    INFO(user);
    CHECK(has(user, "The cursor is inside:\n  class Report:\n  def render(self, shape):\n"));
    CHECK(has(user, "import os\nfrom app.shapes import describe_shape\n"));
    CHECK(has(user, "--- app/shapes.py\ndef describe_shape(shape, unit):\n"));  // an open document
    CHECK(has(user, "--- lib/units.py\ndef convert_units(value, unit):\n"));    // a file never opened
    // Nothing from the gitignored file or the .env file, though both are open.
    const std::string all = s.lastBody();
    CHECK_FALSE(has(all, "IGNORED_CONTENT_MARKER"));
    CHECK_FALSE(has(all, "def secret_helper"));
    CHECK_FALSE(has(all, "ENV_CONTENT_MARKER"));
    // The key in the buffer never leaves; the debug log counts it and never shows it.
    CHECK_FALSE(has(all, std::string(kBufferSecret).substr(0, 12)));
    CHECK(has(user, "api_key = \"REDACTED\""));
    const std::string log = s.server.stderrText();
    CHECK(has(log, "inline completion: 1 secret(s) redacted from the request"));
    CHECK_FALSE(has(log, std::string(kBufferSecret).substr(0, 12)));
}

TEST_CASE("an excluded document gets no suggestion or code action and sends no request") {
    Session s("openai-chat");
    const size_t before = s.requests().size();
    for (const char* path : {".env", "ignored/leak.py"}) {
        INFO(path);
        const json::value reply = completion(s.server, 3, s.folder.uri(path), 0, 5);
        CHECK(reply.at("result").at("items").as_array().empty());
    }
    // A code action on an excluded file is refused before any request.
    s.server.request(5, "textDocument/codeAction", json::object{
        {"textDocument", json::object{{"uri", s.folder.uri("ignored/leak.py")}}}, {"range", range(0, 0, 1, 10)},
        {"context", json::object{{"diagnostics", json::array{}}}}});
    json::value listed;
    REQUIRE(pump(s.server, [&](const json::value& m) {
        if (m.as_object().contains("id") && m.at("id") == 5 && !m.as_object().contains("method")) {
            listed = m;
            return true;
        }
        return false;
    }));
    REQUIRE_FALSE(listed.at("result").as_array().empty());
    s.server.request(6, "codeAction/resolve", listed.at("result").at(0));
    json::value resolved;
    REQUIRE(pump(s.server, [&](const json::value& m) {
        if (m.as_object().contains("id") && m.at("id") == 6 && !m.as_object().contains("method")) {
            resolved = m;
            return true;
        }
        return false;
    }));
    INFO(json::serialize(resolved));
    REQUIRE(resolved.as_object().contains("error"));
    CHECK(has(std::string(resolved.at("error").at("message").as_string()), "excluded"));
    // An ordinary file still gets a suggestion: the model is reachable, and it is the only request.
    completion(s.server, 4, s.folder.uri("app/main.py"), kLine, kCharacter);
    CHECK(s.requests().size() == before + 1);
}

TEST_CASE("llama.cpp /infill gets the definitions as input_extra, a new file joins the index when watched") {
    Session s("llama-infill");
    completion(s.server, 2, s.folder.uri("app/main.py"), kLine, kCharacter);
    json::value body = json::parse(s.lastBody());
    std::string extra = json::serialize(body.at("input_extra"));
    CHECK(has(extra, "\"filename\":\"lib/units.py\""));
    CHECK(has(extra, "def convert_units(value, unit):"));
    CHECK_FALSE(has(extra, "IGNORED_CONTENT_MARKER"));
    CHECK(has(std::string(body.at("input_prefix").as_string()), "api_key = \"REDACTED\""));

    // A file created outside the editor: the watcher's notification brings it in.
    s.folder.write("lib/extra.py", "def convert_units_extra(value):\n    return value\n");
    s.server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", s.folder.uri("app/main.py")}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(kLine, kCharacter, kLine, kCharacter)},
                                                    {"text", "convert_units_extra(1)"}}}}});
    s.server.notify("workspace/didChangeWatchedFiles", json::object{{"changes", json::array{
        json::object{{"uri", s.folder.uri("lib/extra.py")}, {"type", 1}}}}});
    // The file is read off the event loop: ask until it shows up, within a deadline. Each
    // round first adds a comment line below the cursor, so the request is not the one the
    // cache answered (a suggestion is reused while the text around the cursor is the same,
    // whatever the index learned since) and goes to the model with the context as it is now.
    bool found = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (int64_t id = 10; !found && std::chrono::steady_clock::now() < deadline; ++id) {
        s.server.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", s.folder.uri("app/main.py")}, {"version", id}}},
            {"contentChanges", json::array{json::object{{"range", range(kLine + 1, 0, kLine + 1, 0)},
                                                        {"text", "# round " + std::to_string(id) + "\n"}}}}});
        completion(s.server, id, s.folder.uri("app/main.py"), kLine, kCharacter + 22);
        found = has(json::serialize(json::parse(s.lastBody()).at("input_extra")), "def convert_units_extra(value):");
    }
    CHECK(found);
}

TEST_CASE("a family's raw template carries the repository's files, .flintignore and context.exclude keep files out, "
          "non-ASCII arrives intact") {
    const std::string mainText =
        "import os\n"
        "from app.shapes import describe_shape\n"
        "\n"
        "# Größe → 計算 🚀\n"
        "class Report:\n"
        "    def render(self, shape):\n"
        "        note = \"naïve café — 東京 🚀\"\n"
        "        label = describe_shape(shape, format_units(1, \"°C\"))\n"
        "        secret_helper(label)\n"
        "        return \n";
    json::object options{
        {"provider", json::object{{"model", "Qwen/Qwen2.5-Coder-7B"}, {"template", "auto"}}},
        {"context", json::object{{"exclude", json::array{"vendor/"}}}}};
    Session s("openai-completions", options,
              {{".flintignore", "private/\n"},
               {"private/more.py", "def secret_helper(y):\n    return 'PRIVATE_MARKER'\n"},
               {"vendor/more.py", "def secret_helper(z):\n    return 'VENDOR_MARKER'\n"},
               {"lib/format.py", "def format_units(value, unit=\"°C\"):  # Größe → 計算 🚀\n    return value\n"}},
              mainText);

    const json::value reply = completion(s.server, 2, s.folder.uri("app/main.py"), 9, 15);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "label");
    const json::value body = json::parse(s.lastBody());
    const std::string prompt(body.at("prompt").as_string());
    INFO(prompt);
    // Qwen2.5-Coder's repository layout: the folder's name, each file after its
    // separator, the current file last with the FIM tokens; its stop sequences.
    CHECK(prompt.rfind("<|repo_name|>" + s.folder.root.filename().string() + "\n", 0) == 0);
    CHECK(has(prompt, "<|file_sep|>lib/format.py\ndef format_units(value, unit=\"°C\"):  # Größe → 計算 🚀\n"));
    CHECK(has(prompt, "<|file_sep|>app/main.py\n<|fim_prefix|>"));
    CHECK(has(prompt, "# Größe → 計算 🚀\nclass Report:\n"));
    CHECK(has(prompt, "        note = \"naïve café — 東京 🚀\"\n"));
    CHECK(has(prompt, "        return <|fim_suffix|>"));
    CHECK_FALSE(body.as_object().contains("suffix"));  // the raw prompt holds it
    const std::string stops = json::serialize(body.at("stop"));
    CHECK(has(stops, "\"<|file_sep|>\""));
    CHECK(has(stops, "\"<|fim_prefix|>\""));
    // No absolute path: not the folder's location, only its name.
    CHECK_FALSE(has(prompt, s.folder.root.parent_path().string() + "/"));
    // Nothing from the .flintignore'd, the setting-excluded or the gitignored file.
    const std::string all = s.lastBody();
    CHECK_FALSE(has(all, "PRIVATE_MARKER"));
    CHECK_FALSE(has(all, "VENDOR_MARKER"));
    CHECK_FALSE(has(all, "IGNORED_CONTENT_MARKER"));

    // Excluded documents get no request, whichever rule excludes them.
    const size_t before = s.requests().size();
    int64_t id = 3;
    for (const char* path : {"private/more.py", "vendor/more.py"}) {
        INFO(path);
        open(s.server, s.folder.uri(path), "python", "def secret_helper(y):\n    return 1\n");
        CHECK(completion(s.server, id++, s.folder.uri(path), 1, 4).at("result").at("items").as_array().empty());
    }
    CHECK(s.requests().size() == before);

    // A setting that excludes the document itself, sent later, takes effect at once.
    json::object provider = options.at("provider").as_object();
    provider["kind"] = "openai-completions";
    provider["endpoint"] = "http://127.0.0.1:" + std::to_string(s.model.port()) + "/v1";
    s.server.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", json::object{
        {"provider", provider}, {"context", json::object{{"exclude", json::array{"vendor/", "app/"}}}}}}}}});
    CHECK(completion(s.server, id++, s.folder.uri("app/main.py"), 9, 15).at("result").at("items").as_array().empty());
    CHECK(s.requests().size() == before);
}
