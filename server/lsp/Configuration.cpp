// The `flint` configuration: read from the user config file at start, from
// initializationOptions, pulled with workspace/configuration once the client is
// initialized (when it supports that), and refreshed on
// workspace/didChangeConfiguration. Each new configuration is applied at once: the
// model providers are (re)created and connected ahead of need, each feature is routed
// to its provider, and a configuration that cannot work is reported to the user once.
//
// Levels (see model/ProviderSettings.h for the rule): the user config file
// ($XDG_CONFIG_HOME/flint/config.json, else ~/.config/flint/config.json) and what the
// client marks as user-level are trusted; the rest of what the client sends is
// workspace-level when the client marks levels at all. A client marks them by sending
// `flintUserSettings` beside the section:
//
//   initializationOptions: {"flint": {...merged...}, "flintUserSettings": {...user only...}}
//   didChangeConfiguration: {"settings": {"flint": {...}, "flintUserSettings": {...}}}
//
// (initializationOptions may also be the section itself, with `flintUserSettings`
// inside it.) A client that never sends `flintUserSettings` (most editors: their
// settings are the user's own files) has everything it sends taken as user-level.
#include "lsp/ServerContext.h"

#include "model/ProviderSettings.h"

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace flint::lsp {

namespace {

struct Levels {
    json::object file;                     // the user config file
    std::string fileError;                 // why it could not be read ("" when fine or absent)
    json::object section;                  // the `flint` section as the client last sent it
    std::optional<json::object> clientUser;  // what the client marked as user-level, if it marks levels
    std::set<std::string> toldIgnored;     // ignored workspace settings already reported
    std::set<std::string> toldErrors;
};

std::string userConfigPath() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/flint/config.json";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/flint/config.json";
    return {};
}

void readUserConfig(Levels& levels) {
    const std::string path = userConfigPath();
    if (path.empty()) return;
    std::ifstream in(path, std::ios::binary);
    if (!in) return;  // no file: nothing to say
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    json::value v = json::parse(text.str(), ec);
    if (ec || !v.is_object()) {
        levels.fileError = "the user config file " + path + " is not a JSON object" + (ec ? ": " + ec.message() : "");
        spdlog::error("{}", levels.fileError);
        return;
    }
    // Either the section itself or {"flint": {...}}.
    if (const json::value* inner = v.as_object().if_contains("flint"); inner && inner->is_object())
        levels.file = inner->as_object();
    else
        levels.file = std::move(v.as_object());
    spdlog::info("read the user config file {}", path);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

void watchHealth(ServerContext& ctx, const std::shared_ptr<Provider>& provider) {
    // One message when a provider becomes unreachable, not one per keystroke; another
    // only after it was reachable again.
    auto told = std::make_shared<bool>(false);
    const std::string name = provider->config().name;
    const std::string origin = provider->endpoint().origin();
    provider->addHealthListener([&ctx, told, name, origin](const ProviderHealth& health) {
        if (health.state == ProviderHealth::State::Ready) *told = false;
        if (health.state != ProviderHealth::State::Unreachable || *told) return;
        *told = true;
        ctx.showMessage(ServerContext::MessageType::Error,
                        "Flint: cannot reach the model provider " + (name == "default" ? std::string() : name + " ") +
                            "at " + origin + " (" + health.lastError +
                            "). Suggestions come back by themselves once it answers.");
    });
}

void applyProviders(ServerContext& ctx, Levels& levels) {
    const json::object user = mergeSettings(levels.file, levels.clientUser ? *levels.clientUser : levels.section);
    const json::object workspace = levels.clientUser ? levels.section : json::object{};
    LayeredSettings layered = layerSettings(user, workspace);
    ctx.settings = layered.effective;

    std::vector<std::string> newlyIgnored;
    for (const std::string& what : layered.ignored)
        if (levels.toldIgnored.insert(what).second) newlyIgnored.push_back(what);
    if (!newlyIgnored.empty()) {
        spdlog::warn("configuration: ignored workspace-level {} (not trusted for a provider with an API key)",
                     joined(newlyIgnored));
        ctx.showMessage(ServerContext::MessageType::Warning,
                        "Flint ignored " + joined(newlyIgnored) +
                            " from the workspace settings: a workspace may not redirect requests that carry your API "
                            "key, or start programs. Set flint.trustWorkspaceEndpoints to true in your user settings "
                            "to allow it.");
    }

    ProviderSettings parsed = parseProviderSettings(layered.effective);
    if (!levels.fileError.empty()) parsed.errors.insert(parsed.errors.begin(), levels.fileError);
    // For the status: the first thing wrong, "" when nothing is.
    ctx.configurationProblem.clear();
    if (!parsed.errors.empty()) ctx.configurationProblem = "the model configuration is wrong: " + parsed.errors.front();
    for (const auto& [name, config] : parsed.providers)
        if (ctx.configurationProblem.empty() && !config.apiKeyEnv.empty() && config.apiKeyFile.empty() &&
            !Provider::systemEnvironment(config.apiKeyEnv))
            ctx.configurationProblem = "no API key: set the environment variable " + config.apiKeyEnv;
    std::vector<std::string> newErrors;
    for (const std::string& e : parsed.errors) {
        spdlog::error("configuration: {}", e);
        if (levels.toldErrors.insert(e).second) newErrors.push_back(e);
    }
    if (!newErrors.empty())
        ctx.showMessage(ServerContext::MessageType::Error,
                        "Flint: the model configuration is wrong: " + joined(newErrors));

    if (!ctx.loop) return;
    std::map<std::string, std::shared_ptr<Provider>> next;
    bool changed = false;
    for (auto& [name, config] : parsed.providers) {
        auto existing = ctx.providers.find(name);
        if (existing != ctx.providers.end() && existing->second->config() == config) {
            next.emplace(name, existing->second);  // unchanged: keep the warm connection
            continue;
        }
        changed = true;
        auto provider = std::make_shared<Provider>(*ctx.loop, config);
        watchHealth(ctx, provider);
        provider->warm();
        spdlog::info("model provider{}: {} at {}{} model {}{}", name == "default" ? "" : " " + name, config.kind,
                     provider->endpoint().origin(), config.endpoint.basePath,
                     config.model.empty() ? "(server default)" : config.model,
                     config.transport == ProviderConfig::Transport::WebSocket ? " over WebSocket" : "");
        if (!config.apiKeyEnv.empty() && config.apiKeyFile.empty() && !Provider::systemEnvironment(config.apiKeyEnv))
            ctx.showMessage(ServerContext::MessageType::Warning,
                            "Flint: set the environment variable " + config.apiKeyEnv + " to your API key for " +
                                config.endpoint.host + " (requests are not sent without it)");
        if (!config.apiKeyFile.empty() && config.apiKeyEnv.empty()) {
            struct stat info {};
            std::string path = config.apiKeyFile;
            if (path.starts_with("~/"))
                if (const char* home = std::getenv("HOME")) path = home + path.substr(1);
            if (::stat(path.c_str(), &info) != 0)
                ctx.showMessage(ServerContext::MessageType::Warning,
                                "Flint: the API key file " + config.apiKeyFile + " for " + config.endpoint.host +
                                    " does not exist (requests are not sent without a key)");
        }
        next.emplace(name, std::move(provider));
    }
    if (next.size() != ctx.providers.size()) changed = true;
    if (ctx.providers.size() > 0 && next.empty()) spdlog::info("model providers removed from the configuration");

    std::array<std::shared_ptr<Provider>, 3> routes;
    std::array<std::shared_ptr<Provider>, 3> fallbacks;
    for (size_t i = 0; i < routes.size(); ++i) {
        const FeatureRoute& route = parsed.routes[i];
        auto primary = next.find(route.provider);
        ctx.routeNames[i] = primary == next.end() ? std::string() : route.provider;
        auto fallback = route.fallback.empty() ? next.end() : next.find(route.fallback);
        ctx.fallbackNames[i] = fallback == next.end() ? std::string() : route.fallback;
        if (fallback != next.end()) fallbacks[i] = fallback->second;
        if (primary == next.end()) continue;
        auto backup = route.hedge.empty() ? next.end() : next.find(route.hedge);
        if (backup == next.end()) routes[i] = primary->second;
        else if (ctx.routes[i] && ctx.routes[i]->hedges(*primary->second, *backup->second, route.hedgeAfter))
            routes[i] = ctx.routes[i];  // the same pair: the status keeps watching the same route
        else routes[i] = Provider::hedged(*primary->second, *backup->second, route.hedgeAfter);
    }
    ctx.providers = std::move(next);
    ctx.routes = std::move(routes);
    ctx.fallbacks = std::move(fallbacks);
    if (changed)
        for (auto& listener : ctx.providersChanged) listener();
}

void apply(ServerContext& ctx, Levels& levels) {
    applyProviders(ctx, levels);
    ctx.notifyConfigurationApplied();
}

// The section and, when the client marks levels, its user-level part.
void takeClientSettings(Levels& levels, const json::object& section, const json::value* user) {
    levels.section = section;
    levels.section.erase("flintUserSettings");
    if (user && user->is_object()) levels.clientUser = user->as_object();
}

void pull(ServerContext& ctx, const std::shared_ptr<Levels>& levels) {
    if (!ctx.client.workspaceConfiguration) return;
    json::object item{{"section", "flint"}};
    ctx.request("workspace/configuration", json::object{{"items", json::array{std::move(item)}}},
                [&ctx, levels](const json::value& result, const ResponseError* error) {
                    if (error) return spdlog::warn("workspace/configuration failed: {}", error->message);
                    const json::array* items = result.if_array();
                    if (!items || items->empty()) return spdlog::warn("workspace/configuration: expected one item");
                    const json::object* section = items->front().if_object();
                    if (!section || *section == levels->section) return;
                    takeClientSettings(*levels, *section, section->if_contains("flintUserSettings"));
                    spdlog::debug("configuration: {} setting(s)", levels->section.size());
                    apply(ctx, *levels);
                });
}

} // namespace

void registerConfiguration(ServerContext& ctx) {
    auto levels = std::make_shared<Levels>();
    readUserConfig(*levels);
    ctx.onNotification("initialized", [&ctx, levels](const json::value&) {
        if (const json::object* options = ctx.client.initializationOptions.if_object()) {
            const json::value* inner = options->if_contains("flint");
            if (inner && inner->is_object())
                takeClientSettings(*levels, inner->as_object(), options->if_contains("flintUserSettings"));
            else
                takeClientSettings(*levels, *options, options->if_contains("flintUserSettings"));
        }
        apply(ctx, *levels);
        pull(ctx, levels);
    });
    ctx.onNotification("workspace/didChangeConfiguration", [&ctx, levels](const json::value& params) {
        // Push-style clients send the settings; pull-style ones send null and expect a pull.
        const json::object* p = params.if_object();
        const json::value* settings = p ? p->if_contains("settings") : nullptr;
        const json::object* all = settings ? settings->if_object() : nullptr;
        const json::value* section = all ? all->if_contains("flint") : nullptr;
        if (section && section->is_object()) {
            const json::value* user = all->if_contains("flintUserSettings");
            if (!user) user = section->as_object().if_contains("flintUserSettings");
            takeClientSettings(*levels, section->as_object(), user);
            apply(ctx, *levels);
        } else {
            if (const json::value* user = all ? all->if_contains("flintUserSettings") : nullptr;
                user && user->is_object())
                levels->clientUser = user->as_object();
            pull(ctx, levels);
        }
    });
}

} // namespace flint::lsp
