// The real flint-lsp binary over stdio: sessions as an editor drives them,
// malformed input in the middle of a session, and process lifecycle.
#include "LspProcess.h"

#include "lsp/Framing.h"

#include <boost/json/serialize.hpp>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace flint::test;
namespace bp = boost::process;

namespace {

json::value initialize(LspProcess& server, json::array encodings = {"utf-16"}) {
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()},
        {"clientInfo", json::object{{"name", "integration-test"}, {"version", "1"}}},
        {"capabilities", json::object{{"general", json::object{{"positionEncodings", std::move(encodings)}}}}}});
    json::value reply = server.responseTo(1);
    server.notify("initialized");
    return reply;
}

void open(LspProcess& server, std::string_view uri, std::string_view languageId, std::string_view text) {
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", languageId}, {"version", 1}, {"text", text}}}});
}

void change(LspProcess& server, std::string_view uri, int64_t version, json::value range, std::string_view text) {
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", uri}, {"version", version}}},
        {"contentChanges", json::array{json::object{{"range", std::move(range)}, {"text", text}}}}});
}

json::value inspect(LspProcess& server, int64_t id, std::string_view uri, uint32_t line, uint32_t character) {
    server.request(id, "flint/inspect", json::object{{"textDocument", textDocument(uri)}, {"position", position(line, character)}});
    json::value reply = server.responseTo(id);
    REQUIRE(reply.as_object().contains("result"));
    return reply.at("result");
}

int shutdownAndExit(LspProcess& server, int64_t id = 999) {
    server.request(id, "shutdown", nullptr);
    CHECK(server.responseTo(id).at("result").is_null());
    server.notify("exit");
    auto code = server.waitExit();
    REQUIRE(code);
    return *code;
}

// Runs flint-lsp with arguments and no input; returns {exit code, stdout, stderr}.
std::tuple<int, std::string, std::string> runOnce(std::vector<std::string> args) {
    bp::ipstream out, err;
    bp::child child(std::string(FLINT_LSP_BINARY), bp::args(args), bp::std_in.close(), bp::std_out > out, bp::std_err > err);
    std::string stdoutText((std::istreambuf_iterator<char>(out)), {});
    std::string stderrText((std::istreambuf_iterator<char>(err)), {});
    child.wait();
    return {child.exit_code(), stdoutText, stderrText};
}

} // namespace

TEST_CASE("the version flag, and bad arguments") {
    auto [code, out, err] = runOnce({"--version"});
    CHECK(code == 0);
    CHECK(out.rfind("flint-lsp ", 0) == 0);

    auto [badCode, badOut, badErr] = runOnce({"--frobnicate"});
    CHECK(badCode == 2);
    CHECK(badOut.empty());
    CHECK(badErr.find("unknown argument '--frobnicate'") != std::string::npos);

    auto [levelCode, levelOut, levelErr] = runOnce({"--log-level", "loud"});
    CHECK(levelCode == 2);
    CHECK(levelErr.find("unknown log level") != std::string::npos);
}

TEST_CASE("an editing session: open, type a function keystroke by keystroke, inspect, shut down") {
    LspProcess server;
    const json::value init = initialize(server);
    CHECK(init.at("result").at("capabilities").at("positionEncoding") == "utf-16");

    // A 2,000-line Python file, then a new method typed one character at a time.
    std::string text = "import os\n\nclass Big:\n";
    for (int i = 0; i < 2000; ++i) text += "    def m" + std::to_string(i) + "(self):\n        return " + std::to_string(i) + "\n";
    const std::string uri = "file:///work/big.py";
    open(server, uri, "python", text);
    const uint32_t line = 3 + 2 * 2000;
    const std::string typed = "    def greet(self, name):\n        return f'h\xC3\xA9llo {name} \xF0\x9F\x98\x80'\n";
    uint32_t l = line, c = 0;
    int64_t version = 1;
    // Keystrokes go out back to back, as an editor sends them while the user types.
    for (size_t i = 0; i < typed.size();) {
        size_t len = 1;
        const auto byte = static_cast<unsigned char>(typed[i]);
        if (byte >= 0xF0) len = 4; else if (byte >= 0xE0) len = 3; else if (byte >= 0xC0) len = 2;
        const std::string ch = typed.substr(i, len);
        change(server, uri, ++version, range(l, c, l, c), ch);
        if (ch == "\n") { ++l; c = 0; } else { c += len == 4 ? 2 : 1; }
        i += len;
    }
    const json::value result = inspect(server, 2, uri, line + 1, 20);
    CHECK(result.at("version") == version);
    CHECK(result.at("lineCount") == line + 3);
    CHECK(result.at("byteLength") == text.size() + typed.size());
    CHECK(result.at("scopeNames") == json::array{"Big", "greet"});
    const json::array& path = result.at("nodePath").as_array();
    CHECK(path.front() == "module");
    CHECK(std::find(path.begin(), path.end(), json::value("return_statement")) != path.end());
    CHECK(result.at("hasSyntaxErrors") == false);

    CHECK(shutdownAndExit(server) == 0);
    CHECK(server.framingErrors() == 0);
    CHECK(server.stderrText().find("initialized by integration-test") != std::string::npos);
}

TEST_CASE("malformed input in the middle of a session gets errors and the session goes on") {
    LspProcess server;
    initialize(server);
    open(server, "file:///a.go", "go", "package main\n\nfunc main() {\n}\n");

    // Garbage JSON, a bad header, an absurd length and a request, all in one write.
    server.writeRaw("Content-Length: 9\r\n\r\n{garbage}"
                    "Content-Type: text/plain\r\n\r\n"
                    "Content-Length: 12\r\n\r\n[\"an array\"]"
                    "Content-Length: 999999999999999\r\n\r\nxxxxxxxx\r\n");
    server.request(5, "flint/inspect", json::object{{"textDocument", textDocument("file:///a.go")}, {"position", position(2, 14)}});
    const json::value reply = server.responseTo(5);
    CHECK(reply.at("result").at("scopeNames") == json::array{"main"});

    std::vector<int64_t> codes;
    for (const json::value& m : server.others) {
        CHECK(m.at("id").is_null());
        codes.push_back(m.at("error").at("code").as_int64());
    }
    CHECK(codes == std::vector<int64_t>{-32700, -32700, -32600, -32700});

    // Params of the wrong shape: -32602 naming the field; unknown method: -32601.
    server.request(6, "flint/inspect", json::object{{"textDocument", textDocument("file:///a.go")}, {"position", "top"}});
    const json::value bad = server.responseTo(6);
    CHECK(bad.at("error").at("code") == -32602);
    CHECK(bad.at("error").at("message") == "params.position: expected an object");
    server.request(7, "textDocument/unknownThing");
    CHECK(server.responseTo(7).at("error").at("code") == -32601);

    CHECK(shutdownAndExit(server) == 0);
}

TEST_CASE("messages split into single bytes and coalesced into one write") {
    LspProcess server;
    initialize(server);
    std::string burst;
    for (int id = 10; id < 20; ++id)
        burst += flint::lsp::frame(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", "no/such"}}));
    server.writeRaw(burst);
    for (int id = 10; id < 20; ++id) CHECK(server.responseTo(id).at("error").at("code") == -32601);

    const std::string one = flint::lsp::frame(R"({"jsonrpc":"2.0","id":30,"method":"no/such"})");
    for (char c : one) server.writeRaw(std::string_view(&c, 1));
    CHECK(server.responseTo(30).at("error").at("code") == -32601);
    CHECK(shutdownAndExit(server) == 0);
}

TEST_CASE("UTF-8 positions when the client offers them, and CRLF documents") {
    LspProcess server;
    const json::value init = initialize(server, {"utf-8", "utf-16"});
    CHECK(init.at("result").at("capabilities").at("positionEncoding") == "utf-8");
    const std::string uri = "file:///c.rs";
    open(server, uri, "rust", "fn main() {\r\n    let s = \"\xF0\x9F\x98\x80\";\r\n}\r\n");
    // Insert after the emoji: byte column 17 in UTF-8 (it would be 15 in UTF-16).
    change(server, uri, 2, range(1, 17, 1, 17), "!");
    const json::value result = inspect(server, 2, uri, 1, 18);
    CHECK(result.at("offset") == 13 + 18);
    CHECK(result.at("lineCount") == 4);
    CHECK(result.at("length") == result.at("byteLength"));
    CHECK(result.at("scopeNames") == json::array{"main"});
    CHECK(result.at("hasSyntaxErrors") == false);
    CHECK(shutdownAndExit(server) == 0);
}

TEST_CASE("exit without shutdown is code 1, and a closed stdin ends the server") {
    {
        LspProcess server;
        initialize(server);
        server.notify("exit");
        CHECK(server.waitExit() == 1);
    }
    {
        LspProcess server;
        initialize(server);
        server.closeStdin();
        CHECK(server.waitExit() == 1);
        CHECK(server.stderrText().find("input closed without exit") != std::string::npos);
    }
}

TEST_CASE("a log file takes the logs and stdout carries only protocol") {
    char path[] = "/tmp/flint-test-log-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        LspProcess server({"--stdio", "--log-file", path, "--log-level", "debug"});
        initialize(server);
        open(server, "file:///x.ts", "typescript", "export const x = 1;\n");
        server.writeRaw("Content-Length: 3\r\n\r\n{x}");
        CHECK(server.next()->at("error").at("code") == -32700);
        CHECK(shutdownAndExit(server) == 0);
        CHECK(server.framingErrors() == 0);
        CHECK(server.stderrText().empty());
    }
    std::ifstream in(path);
    const std::string log((std::istreambuf_iterator<char>(in)), {});
    CHECK(log.find("opened file:///x.ts (typescript") != std::string::npos);
    CHECK(log.find("bad message") != std::string::npos);
    ::unlink(path);
}
