#include "model/ProviderErrorText.h"

#include "support/Utf8.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <unordered_set>
#include <vector>

namespace flint {

namespace json = boost::json;

namespace {

constexpr size_t kPiece = 8;  // shorter runs match ordinary words too often to cut them
constexpr std::string_view kRedacted = "[redacted]";

std::string withoutTrailingNewlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

} // namespace

std::string withoutKey(std::string text, std::string_view apiKey) {
    if (apiKey.empty() || text.empty()) return text;
    std::vector<bool> secret(text.size(), false);
    if (apiKey.size() < kPiece) {
        for (size_t at = text.find(apiKey); at != std::string::npos; at = text.find(apiKey, at + 1))
            std::fill(secret.begin() + at, secret.begin() + at + apiKey.size(), true);
    } else {
        std::unordered_set<std::string_view> pieces;
        for (size_t i = 0; i + kPiece <= apiKey.size(); ++i) pieces.insert(apiKey.substr(i, kPiece));
        const std::string_view view = text;
        for (size_t i = 0; i + kPiece <= view.size(); ++i)
            if (pieces.contains(view.substr(i, kPiece)))
                std::fill(secret.begin() + i, secret.begin() + i + kPiece, true);
        // A key cut off by a shortened body: its first characters, fewer than a piece, at
        // the very end (after a prefix common to all keys, e.g. "sk-", nothing is left to guess).
        for (size_t n = std::min(kPiece - 1, view.size()); n >= 4; --n)
            if (view.substr(view.size() - n) == apiKey.substr(0, n)) {
                std::fill(secret.end() - static_cast<long>(n), secret.end(), true);
                break;
            }
    }
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (!secret[i]) {
            out += text[i++];
            continue;
        }
        out += kRedacted;
        while (i < text.size() && secret[i]) ++i;
    }
    return out;
}

std::string providerErrorText(const std::string& body, std::string_view apiKey) {
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    if (!ec && v.is_object()) {
        const json::object& o = v.as_object();
        if (const json::value* e = o.if_contains("error")) {
            if (e->is_string()) return withoutKey(std::string(e->as_string()), apiKey);
            if (const json::object* eo = e->if_object())
                if (const json::value* m = eo->if_contains("message"); m && m->is_string())
                    return withoutKey(std::string(m->as_string()), apiKey);
        }
        if (const json::value* m = o.if_contains("message"); m && m->is_string())
            return withoutKey(std::string(m->as_string()), apiKey);
    }
    // Cut the key out of the whole body before shortening it, so no part of it survives the cut.
    return withoutTrailingNewlines(utf8Excerpt(withoutKey(body, apiKey), 200));
}

} // namespace flint
