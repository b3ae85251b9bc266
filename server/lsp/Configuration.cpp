// The `flint` configuration section: taken from initializationOptions, pulled with
// workspace/configuration once the client is initialized (when it supports that),
// and refreshed on workspace/didChangeConfiguration.
#include "lsp/ServerContext.h"

#include <spdlog/spdlog.h>

namespace flint::lsp {

namespace {

void pull(ServerContext& ctx) {
    if (!ctx.client.workspaceConfiguration) return;
    json::object item{{"section", "flint"}};
    ctx.request("workspace/configuration", json::object{{"items", json::array{std::move(item)}}},
                [&ctx](const json::value& result, const ResponseError* error) {
                    if (error) return spdlog::warn("workspace/configuration failed: {}", error->message);
                    const json::array* items = result.if_array();
                    if (!items || items->empty()) return spdlog::warn("workspace/configuration: expected one item");
                    if (const json::object* section = items->front().if_object()) ctx.settings = *section;
                    spdlog::debug("configuration: {} setting(s)", ctx.settings.size());
                });
}

} // namespace

void registerConfiguration(ServerContext& ctx) {
    ctx.onNotification("initialized", [&ctx](const json::value&) {
        if (const json::object* options = ctx.client.initializationOptions.if_object()) ctx.settings = *options;
        pull(ctx);
    });
    ctx.onNotification("workspace/didChangeConfiguration", [&ctx](const json::value& params) {
        // Push-style clients send the settings; pull-style ones send null and expect a pull.
        const json::object* p = params.if_object();
        const json::value* settings = p ? p->if_contains("settings") : nullptr;
        const json::object* all = settings ? settings->if_object() : nullptr;
        const json::value* section = all ? all->if_contains("flint") : nullptr;
        if (section && section->is_object()) ctx.settings = section->as_object();
        else pull(ctx);
    });
}

} // namespace flint::lsp
