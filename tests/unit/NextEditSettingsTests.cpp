// The `nextEdit` settings as the server reads them, the VS Code extension contributes
// them and the README documents them: the three name the same fields, and a field
// the server does not know, or of the wrong type, is reported once (its default used).
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace flint;
using namespace flint::lsp;

namespace {

std::string readSourceFile(const std::string& relative) {
    std::ifstream in(std::string(FLINT_TEST_FIXTURES) + "/../../" + relative, std::ios::binary);
    REQUIRE(in);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// `flint.nextEdit.*` properties of the extension's package.json: name → default.
json::object contributed() {
    const json::value manifest = json::parse(readSourceFile("extension/package.json"));
    json::object out;
    for (const auto& [key, property] : manifest.at("contributes").at("configuration").at("properties").as_object())
        if (key.starts_with("flint.nextEdit."))
            out[key.substr(std::string_view("flint.nextEdit.").size())] = property.at("default");
    return out;
}

// The fields of the README's "Next-edit settings" table.
std::set<std::string> documented() {
    const std::string readme = readSourceFile("README.md");
    const size_t start = readme.find("### Next-edit settings");
    REQUIRE(start != std::string::npos);
    const size_t end = readme.find("\n#", start + 1);  // the next heading, of any level
    std::istringstream section(readme.substr(start, end - start));
    std::set<std::string> out;
    const std::regex row(R"(^\| `(\w+)` \|)");
    std::smatch m;
    for (std::string line; std::getline(section, line);)
        if (std::regex_search(line, m, row)) out.insert(m[1]);
    return out;
}

// What a bare server tells the user (window/showMessage) after initialize with `nextEdit`.
std::vector<std::string> messagesFor(json::value nextEdit) {
    std::vector<json::value> sent;
    std::vector<std::function<void()>> deferred;
    LanguageServer server{[&](std::string payload) { sent.push_back(json::parse(payload)); },
                          [&](std::function<void()> task) { deferred.push_back(std::move(task)); }};
    auto send = [&](json::object message) {
        message["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(message));
    };
    send({{"id", 1}, {"method", "initialize"}, {"params", json::object{
        {"capabilities", json::object{}}, {"initializationOptions", json::object{{"nextEdit", std::move(nextEdit)}}}}}});
    send({{"method", "initialized"}, {"params", json::object{}}});
    while (!deferred.empty()) {
        auto tasks = std::move(deferred);
        deferred.clear();
        for (auto& task : tasks) task();
    }
    std::vector<std::string> out;
    for (const json::value& m : sent)
        if (m.as_object().contains("method") && m.at("method") == "window/showMessage")
            out.emplace_back(m.at("params").at("message").as_string());
    return out;
}

bool anyMentions(const std::vector<std::string>& messages, std::string_view text) {
    return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) { return m.find(text) != std::string::npos; });
}

} // namespace

TEST_CASE("next-edit settings: the extension contributes and the README documents the same fields") {
    std::set<std::string> inManifest;
    for (const auto& [key, value] : contributed()) inManifest.insert(std::string(key));
    CHECK(inManifest == documented());
    CHECK(inManifest.contains("enabled"));
    CHECK(inManifest.size() == 7);
}

TEST_CASE("next-edit settings: every contributed field, at its default, is taken without a word") {
    const std::vector<std::string> messages = messagesFor(contributed());
    std::string all;
    for (const std::string& m : messages) all += m + "\n";
    INFO(all);
    CHECK_FALSE(anyMentions(messages, "nextEdit"));
}

TEST_CASE("next-edit settings: an unknown field or a wrong type is named once") {
    const std::vector<std::string> unknown = messagesFor(json::object{{"quietMS", 5}, {"enabled", true}});
    CHECK(anyMentions(unknown, "flint.nextEdit.quietMS: unknown setting"));

    const std::vector<std::string> wrong = messagesFor(json::object{{"regionLines", 0}});
    CHECK(anyMentions(wrong, "flint.nextEdit.regionLines: expected a whole number from 1 to 200"));
    CHECK(std::count_if(wrong.begin(), wrong.end(), [](const std::string& m) { return m.find("nextEdit") != std::string::npos; }) == 1);

    CHECK(anyMentions(messagesFor(json::object{{"format", "zed"}}), "flint.nextEdit.format: expected"));
    CHECK(anyMentions(messagesFor(json::object{{"disabledGlobs", "*.md"}}), "flint.nextEdit.disabledGlobs: expected a list of strings"));
    CHECK(anyMentions(messagesFor(json::value("off")), "flint.nextEdit: expected an object"));
}
