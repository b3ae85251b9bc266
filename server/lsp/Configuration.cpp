// The `flint` configuration section: taken from initializationOptions, pulled with
// workspace/configuration once the client is initialized (when it supports that),
// and refreshed on workspace/didChangeConfiguration. Each new configuration is
// applied at once: the model provider is (re)created and connected ahead of need,
// and a configuration that cannot work is reported to the user once.
#include "lsp/ServerContext.h"

#include "model/ProviderConfig.h"

#include <spdlog/spdlog.h>

namespace flint::lsp {

namespace {

void applyProvider(ServerContext& ctx) {
    ctx.configurationProblem.clear();
    std::string error;
    std::optional<ProviderConfig> config = parseProviderConfig(ctx.settings, error);
    if (!error.empty()) {
        ctx.provider.reset();
        ctx.configurationProblem = "the model configuration is wrong: " + error;
        spdlog::error("configuration: {}", error);
        return ctx.showMessage(ServerContext::MessageType::Error, "Flint: the model configuration is wrong: " + error);
    }
    if (!config) {
        if (ctx.provider) spdlog::info("model provider removed from the configuration");
        ctx.provider.reset();
        return;
    }
    const bool missingKey = !config->apiKeyEnv.empty() && !Provider::systemEnvironment(config->apiKeyEnv);
    if (missingKey) ctx.configurationProblem = "no API key: set the environment variable " + config->apiKeyEnv;
    if (ctx.provider && ctx.provider->config() == *config) return;  // unchanged: keep the warm connection
    if (!ctx.loop) return;
    ctx.provider = std::make_unique<Provider>(*ctx.loop, *config);
    ctx.provider->warm();
    spdlog::info("model provider: {} at {}{} model {}", config->kind, config->endpoint.origin(),
                 config->endpoint.basePath, config->model.empty() ? "(server default)" : config->model);
    if (missingKey)
        ctx.showMessage(ServerContext::MessageType::Warning,
                        "Flint: set the environment variable " + config->apiKeyEnv + " to your API key for " +
                            config->endpoint.host + " (requests are not sent without it)");
}

void apply(ServerContext& ctx) {
    applyProvider(ctx);
    ctx.notifyConfigurationApplied();
}

void pull(ServerContext& ctx) {
    if (!ctx.client.workspaceConfiguration) return;
    json::object item{{"section", "flint"}};
    ctx.request("workspace/configuration", json::object{{"items", json::array{std::move(item)}}},
                [&ctx](const json::value& result, const ResponseError* error) {
                    if (error) return spdlog::warn("workspace/configuration failed: {}", error->message);
                    const json::array* items = result.if_array();
                    if (!items || items->empty()) return spdlog::warn("workspace/configuration: expected one item");
                    const json::object* section = items->front().if_object();
                    if (!section || *section == ctx.settings) return;
                    ctx.settings = *section;
                    spdlog::debug("configuration: {} setting(s)", ctx.settings.size());
                    apply(ctx);
                });
}

} // namespace

void registerConfiguration(ServerContext& ctx) {
    ctx.onNotification("initialized", [&ctx](const json::value&) {
        // Applied even when empty: the status goes out, and the embedded engine is announced.
        if (const json::object* options = ctx.client.initializationOptions.if_object()) ctx.settings = *options;
        apply(ctx);
        pull(ctx);
    });
    ctx.onNotification("workspace/didChangeConfiguration", [&ctx](const json::value& params) {
        // Push-style clients send the settings; pull-style ones send null and expect a pull.
        const json::object* p = params.if_object();
        const json::value* settings = p ? p->if_contains("settings") : nullptr;
        const json::object* all = settings ? settings->if_object() : nullptr;
        const json::value* section = all ? all->if_contains("flint") : nullptr;
        if (section && section->is_object()) {
            ctx.settings = section->as_object();
            apply(ctx);
        } else {
            pull(ctx);
        }
    });
}

} // namespace flint::lsp
