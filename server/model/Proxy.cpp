#include "model/Proxy.h"

#include "support/Base64.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace flint {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Percent-decoding for user:password in a URL.
std::string decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            unsigned value = 0;
            auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
            if (ec == std::errc() && end == s.data() + i + 3) {
                out += static_cast<char>(value);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::optional<std::string> lookup(const EnvironmentLookup& environment, const std::string& upper) {
    // curl prefers the lowercase name; HTTP_PROXY in upper case is ignored by curl for
    // CGI reasons (httpoxy), but an editor's language server is no CGI script.
    if (auto v = environment(lower(upper)); v && !trim(*v).empty()) return std::string(trim(*v));
    if (auto v = environment(upper); v && !trim(*v).empty()) return std::string(trim(*v));
    return std::nullopt;
}

} // namespace

std::optional<ProxyServer> parseProxyUrl(std::string_view url, std::string& error) {
    url = trim(url);
    if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.find("://") != std::string_view::npos) {
        error = "only http:// proxies are supported (the tunnel to the provider is TLS either way)";
        return std::nullopt;
    }
    url = url.substr(0, url.find('/'));
    ProxyServer proxy;
    if (const size_t at = url.rfind('@'); at != std::string_view::npos) {
        proxy.authorization = "Basic " + base64Encode(decode(url.substr(0, at)));
        url.remove_prefix(at + 1);
    }
    std::string why;
    auto endpoint = parseEndpoint("http://" + std::string(url), why);
    if (!endpoint) {
        error = "bad proxy address: " + why;
        return std::nullopt;
    }
    // Proxies conventionally listen on 1080/3128/8080; without a port curl assumes 1080.
    if (url.find(':') == std::string_view::npos || (url.starts_with("[") && url.ends_with("]"))) endpoint->port = 1080;
    proxy.host = endpoint->host;
    proxy.port = endpoint->port;
    proxy.display = "http://" + endpoint->authority();
    if (endpoint->port == 80) proxy.display += ":80";
    return proxy;
}

bool bypassesProxy(const Endpoint& endpoint, std::string_view noProxy) {
    const std::string host = lower(endpoint.host);
    while (!noProxy.empty()) {
        const size_t comma = noProxy.find(',');
        std::string entry = lower(trim(noProxy.substr(0, comma)));
        noProxy = comma == std::string_view::npos ? std::string_view() : noProxy.substr(comma + 1);
        if (entry.empty()) continue;
        if (entry == "*") return true;
        // An optional :port narrows the entry to that port.
        if (const size_t colon = entry.rfind(':');
            colon != std::string::npos && entry.find(':') == colon && colon + 1 < entry.size()) {
            if (entry.substr(colon + 1) != std::to_string(endpoint.port)) continue;
            entry.resize(colon);
        }
        if (entry.starts_with("[") && entry.ends_with("]")) entry = entry.substr(1, entry.size() - 2);
        if (entry.starts_with("*.")) entry.erase(0, 1);
        if (entry.starts_with(".")) entry.erase(0, 1);
        if (host == entry) return true;
        if (host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

std::optional<ProxyServer> resolveProxy(const Endpoint& endpoint, const std::string& setting,
                                        const EnvironmentLookup& environment, std::string& error) {
    if (setting == "none") return std::nullopt;
    if (!setting.empty()) {
        auto proxy = parseProxyUrl(setting, error);
        if (!proxy) error = "provider.proxy: " + error;
        return proxy;
    }
    if (!environment) return std::nullopt;
    auto url = lookup(environment, endpoint.tls ? "HTTPS_PROXY" : "HTTP_PROXY");
    if (!url) return std::nullopt;
    if (auto noProxy = lookup(environment, "NO_PROXY"); noProxy && bypassesProxy(endpoint, *noProxy))
        return std::nullopt;
    auto proxy = parseProxyUrl(*url, error);
    if (!proxy) error = std::string(endpoint.tls ? "HTTPS_PROXY" : "HTTP_PROXY") + ": " + error;
    return proxy;
}

} // namespace flint
