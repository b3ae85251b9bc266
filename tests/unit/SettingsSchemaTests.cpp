// The configuration schema in its three places: the server's parsers, the VS Code
// extension's contributed settings (extension/package.json) and the README's tables.
// Every section names the same fields in all three: the extension contributes
// exactly what the README documents, the server reads every contributed field (a
// value of the wrong type is named in a message), takes each at its contributed
// default without a word, and names a field it does not know (where it checks).
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

// A section of the `flint` settings: its path ("provider.budget") and the README
// heading whose table documents it.
struct Section {
    std::string path;
    std::string heading;
};

const std::vector<Section> kSections = {
    {"provider", "### One provider"},
    {"provider.budget", "### Budgets"},
    {"inline", "### Inline completion: `inline`"},
    {"context", "### Context settings: `context`"},
    {"nextEdit", "### Next-edit settings"},
    {"stats", "### Statistics, adaptive budgets and exports: `stats`"},
};

bool isSection(const std::string& path) {
    return std::any_of(kSections.begin(), kSections.end(), [&](const Section& s) { return s.path == path; });
}

const json::object& manifestProperties() {
    static const json::value manifest = json::parse(readSourceFile("extension/package.json"));
    return manifest.at("contributes").at("configuration").at("properties").as_object();
}

// The section's fields as the extension contributes them (`flint.<path>.<field>`, not
// deeper): field → its contributed property.
std::map<std::string, json::object> contributed(const std::string& path) {
    const std::string prefix = "flint." + path + ".";
    std::map<std::string, json::object> out;
    for (const auto& [key, property] : manifestProperties()) {
        if (!key.starts_with(prefix)) continue;
        const std::string field(key.substr(prefix.size()));
        if (field.find('.') == std::string::npos) out[field] = property.as_object();
    }
    return out;
}

std::set<std::string> names(const std::map<std::string, json::object>& fields) {
    std::set<std::string> out;
    for (const auto& [field, property] : fields) out.insert(field);
    return out;
}

// The fields of the table under the README heading (up to the next heading of any level).
// A row naming a sub-section (`budget` in the provider table) is that section's, not a field.
std::set<std::string> documented(const Section& section) {
    static const std::string readme = readSourceFile("README.md");
    const size_t start = readme.find(section.heading);
    REQUIRE(start != std::string::npos);
    const size_t end = readme.find("\n#", start + 1);
    std::istringstream text(readme.substr(start, end - start));
    std::set<std::string> out;
    const std::regex row(R"(^\| `(\w+)` \|)");
    std::smatch m;
    for (std::string line; std::getline(text, line);)
        if (std::regex_search(line, m, row) && !isSection(section.path + "." + m[1].str())) out.insert(m[1]);
    return out;
}

// Puts `value` at `path` ("provider.budget") inside `settings`, creating objects on the way.
void put(json::object& settings, const std::string& path, const std::string& field, json::value value) {
    json::object* at = &settings;
    std::istringstream parts(path);
    for (std::string part; std::getline(parts, part, '.');) {
        json::value& next = (*at)[part];
        if (!next.is_object()) next = json::object{};
        at = &next.as_object();
    }
    (*at)[field] = std::move(value);
}

// What a bare server tells the user (window/showMessage) after initialize with `settings`.
std::vector<std::string> messagesFor(json::value settings) {
    std::vector<json::value> sent;
    std::vector<std::function<void()>> deferred;
    LanguageServer server{[&](std::string payload) { sent.push_back(json::parse(payload)); },
                          [&](std::function<void()> task) { deferred.push_back(std::move(task)); }};
    auto send = [&](json::object message) {
        message["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(message));
    };
    send({{"id", 1}, {"method", "initialize"}, {"params", json::object{
        {"capabilities", json::object{}}, {"initializationOptions", std::move(settings)}}}});
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

std::vector<std::string> nextEditMessages(json::value nextEdit) {
    return messagesFor(json::object{{"nextEdit", std::move(nextEdit)}});
}

bool anyMentions(const std::vector<std::string>& messages, std::string_view text) {
    return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) { return m.find(text) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& messages) {
    std::string all;
    for (const std::string& m : messages) all += m + "\n";
    return all;
}

// A provider the server accepts, for probing the provider's other fields.
const json::object kValidProvider{{"endpoint", "http://127.0.0.1:1"}};

} // namespace

TEST_CASE("settings: the extension contributes and the README documents the same fields, section by section") {
    for (const Section& section : kSections) {
        INFO("flint." << section.path);
        const std::set<std::string> inManifest = names(contributed(section.path));
        CHECK_FALSE(inManifest.empty());
        CHECK(inManifest == documented(section));
    }
    CHECK(names(contributed("nextEdit")).size() == 7);
    CHECK(names(contributed("inline")).contains("maxTokensMultiLine"));
}

TEST_CASE("settings: the extension's top-level keys are the sections, the named providers and the extension's own") {
    std::set<std::string> topLevel;
    for (const auto& [key, property] : manifestProperties()) {
        REQUIRE(key.starts_with("flint."));
        const std::string rest(key.substr(6));
        topLevel.insert(rest.substr(0, rest.find('.')));
    }
    // enable, server.*, trace.* stay in the extension (extension/src/settings.ts).
    CHECK(topLevel == std::set<std::string>{"enable", "server", "trace", "provider", "providers", "features",
                                            "trustWorkspaceEndpoints", "inline", "context", "nextEdit", "stats"});
    // The server reads the object-valued ones: a wrong type is named.
    CHECK(anyMentions(messagesFor(json::object{{"providers", "fast"}}), "providers: expected an object"));
    CHECK(anyMentions(messagesFor(json::object{{"features", "fast"}}), "features: expected an object"));
    CHECK(manifestProperties().at("flint.trustWorkspaceEndpoints").at("scope") == "application");
}

TEST_CASE("settings: every contributed field, at its default, is taken without a word") {
    json::object settings;
    for (const Section& section : kSections)
        for (const auto& [field, property] : contributed(section.path)) {
            const json::value& value = property.at("default");
            if (!value.is_null()) put(settings, section.path, field, value);  // null: unset
        }
    // The contributed endpoint is empty (no model): a real one, so the provider parses.
    put(settings, "provider", "endpoint", "http://127.0.0.1:1");
    const std::vector<std::string> messages = messagesFor(settings);
    INFO(json::serialize(settings) << "\n" << joined(messages));
    for (const Section& section : kSections) CHECK_FALSE(anyMentions(messages, section.path + "."));
    CHECK_FALSE(anyMentions(messages, "wrong"));
}

TEST_CASE("settings: the server reads every contributed field (a wrong type is named)") {
    const json::value wrong = json::object{{"not", "a setting's value"}};
    for (const Section& section : kSections)
        for (const auto& [field, property] : contributed(section.path)) {
            json::object settings;
            if (section.path.starts_with("provider")) settings["provider"] = kValidProvider;
            put(settings, section.path, field, wrong);
            const std::vector<std::string> messages = messagesFor(settings);
            INFO(json::serialize(settings) << "\n" << joined(messages));
            CHECK(anyMentions(messages, section.path + "." + field + ":"));
        }
}

TEST_CASE("settings: a field the server does not know is named (inline, nextEdit, stats)") {
    for (const std::string section : {"inline", "nextEdit", "stats"}) {
        json::object settings;
        put(settings, section, "debounce", 5);
        const std::vector<std::string> messages = messagesFor(settings);
        INFO(joined(messages));
        CHECK(anyMentions(messages, "flint." + section + ".debounce: unknown setting"));
    }
}

TEST_CASE("next-edit settings: an unknown field or a wrong type is named once") {
    const std::vector<std::string> unknown = nextEditMessages(json::object{{"quietMS", 5}, {"enabled", true}});
    CHECK(anyMentions(unknown, "flint.nextEdit.quietMS: unknown setting"));

    const std::vector<std::string> wrong = nextEditMessages(json::object{{"regionLines", 0}});
    CHECK(anyMentions(wrong, "flint.nextEdit.regionLines: expected a whole number from 1 to 200"));
    CHECK(std::count_if(wrong.begin(), wrong.end(), [](const std::string& m) { return m.find("nextEdit") != std::string::npos; }) == 1);

    CHECK(anyMentions(nextEditMessages(json::object{{"format", "zed"}}), "flint.nextEdit.format: expected"));
    CHECK(anyMentions(nextEditMessages(json::object{{"disabledGlobs", "*.md"}}), "flint.nextEdit.disabledGlobs: expected a list of strings"));
    CHECK(anyMentions(nextEditMessages(json::value("off")), "flint.nextEdit: expected an object"));
}
