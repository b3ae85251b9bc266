#pragma once
// Which HTTP proxy, if any, carries requests to a model endpoint. The provider's
// `proxy` setting wins ("none" means direct); without it, the environment decides
// the way curl does: HTTPS_PROXY / https_proxy for https endpoints, HTTP_PROXY /
// http_proxy for http ones, and NO_PROXY / no_proxy (comma-separated host names,
// domain suffixes with or without a leading dot, IP addresses, optional :port, or
// `*`) lists hosts reached directly. Nothing is bypassed implicitly, loopback
// included, so that a proxy setting means what it says.
//
//   std::string error;
//   auto proxy = resolveProxy(endpoint, config.proxy, environment, error);
//   if (proxy) connect to proxy->host:proxy->port, then CONNECT endpoint.authority()
//
// Credentials in a proxy URL (http://user:password@proxy:3128) become the
// Proxy-Authorization header; they never appear in `display` or in logs.

#include "model/Endpoint.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace flint {

struct ProxyServer {
    std::string host;
    uint16_t port = 0;
    std::string authorization;  // "Basic ..." or ""
    std::string display;        // http://host:port, without credentials
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Parses an http:// proxy URL (scheme optional, as in many environments).
std::optional<ProxyServer> parseProxyUrl(std::string_view url, std::string& error);

// True when `noProxy` lists the endpoint's host.
bool bypassesProxy(const Endpoint& endpoint, std::string_view noProxy);

// The proxy for `endpoint`: from `setting` ("" → the environment, "none" → none), or
// nothing for a direct connection. `error` is set (and nothing returned) when the
// proxy named cannot be used.
std::optional<ProxyServer> resolveProxy(const Endpoint& endpoint, const std::string& setting,
                                        const EnvironmentLookup& environment, std::string& error);

} // namespace flint
