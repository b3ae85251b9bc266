#pragma once
// A model endpoint URL split into what a connection needs: "https://api.openai.com/v1"
// → {https, api.openai.com, 443, "/v1"}. Requests go to basePath + the format's path.
//
//   std::string error;
//   auto endpoint = parseEndpoint("http://127.0.0.1:8080/v1", error);
//   if (!endpoint) report(error);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flint {

struct Endpoint {
    bool tls = false;
    std::string host;       // without brackets for IPv6 literals
    uint16_t port = 0;
    std::string basePath;   // no trailing slash; "" for the root

    // "host:port" for the Host header and logs ("[::1]:8080" for IPv6).
    std::string authority() const;
    // scheme://authority: the key a connection pool is kept under.
    std::string origin() const;
    std::string target(std::string_view path) const { return basePath + std::string(path); }
};

std::optional<Endpoint> parseEndpoint(std::string_view url, std::string& error);

} // namespace flint
