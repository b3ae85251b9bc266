#include "model/Endpoint.h"

#include <charconv>

namespace flint {

std::string Endpoint::authority() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    const std::string h = ipv6 ? "[" + host + "]" : host;
    const bool defaultPort = (tls && port == 443) || (!tls && port == 80);
    return defaultPort ? h : h + ":" + std::to_string(port);
}

std::string Endpoint::origin() const { return std::string(tls ? "https://" : "http://") + authority(); }

std::optional<Endpoint> parseEndpoint(std::string_view url, std::string& error) {
    Endpoint e;
    if (url.starts_with("https://")) {
        e.tls = true;
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else {
        error = "endpoint must start with http:// or https://";
        return std::nullopt;
    }
    const size_t slash = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
    if (authority.find('@') != std::string_view::npos) {
        error = "credentials in the endpoint URL are not supported: use the API key setting";
        return std::nullopt;
    }
    std::string_view portText;
    if (authority.starts_with("[")) {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unterminated IPv6 address in endpoint";
            return std::nullopt;
        }
        e.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                error = "unexpected text after the IPv6 address";
                return std::nullopt;
            }
            portText = authority.substr(close + 2);
        }
    } else {
        const size_t colon = authority.rfind(':');
        e.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
    }
    if (e.host.empty()) {
        error = "endpoint has no host";
        return std::nullopt;
    }
    e.port = e.tls ? 443 : 80;
    if (!portText.empty()) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
        if (ec != std::errc() || end != portText.data() + portText.size() || value == 0 || value > 65535) {
            error = "bad port in endpoint: " + std::string(portText);
            return std::nullopt;
        }
        e.port = static_cast<uint16_t>(value);
    }
    path = path.substr(0, path.find_first_of("?#"));
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    e.basePath = path;
    return e;
}

} // namespace flint
