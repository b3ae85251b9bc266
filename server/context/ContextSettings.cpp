#include "context/ContextSettings.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace flint {

namespace json = boost::json;

size_t ContextSettings::promptTokens() const {
    if (maxPromptTokens) return maxPromptTokens;
    if (!contextWindow) return kDefaultPromptTokens;
    // Room for the reply and the template's own tokens stays free in a small window.
    const size_t scaled = std::clamp<size_t>(contextWindow / 16, 1024, 8192);
    return contextWindow > 1024 ? std::min(scaled, contextWindow - 512) : contextWindow / 2;
}

namespace {

bool readCount(const json::object& o, std::string_view key, size_t minimum, size_t& out, std::string& error) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    const bool whole = v->is_uint64() || (v->is_int64() && v->as_int64() >= 0);
    const uint64_t n = !whole ? 0 : v->is_uint64() ? v->as_uint64() : static_cast<uint64_t>(v->as_int64());
    if (!whole || n < minimum) {
        error = "context." + std::string(key) + ": expected a whole number of at least " + std::to_string(minimum);
        return false;
    }
    out = static_cast<size_t>(n);
    return true;
}

bool readBool(const json::object& o, std::string_view key, bool& out, std::string& error) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_bool()) {
        error = "context." + std::string(key) + ": expected true or false";
        return false;
    }
    out = v->as_bool();
    return true;
}

} // namespace

std::optional<ContextSettings> parseContextSettings(const json::value& settings, std::string& error) {
    ContextSettings out;
    const json::object* all = settings.if_object();
    if (!all) return out;
    if (const json::value* provider = all->if_contains("provider"); provider && provider->is_object())
        if (const json::value* t = provider->as_object().if_contains("template"); t && !t->is_null()) {
            if (!t->is_string()) {
                error = "provider.template: expected a template name or \"auto\"";
                return std::nullopt;
            }
            out.fimTemplate = std::string(t->as_string());
        }
    const json::value* section = all->if_contains("context");
    if (!section || section->is_null()) return out;
    const json::object* o = section->if_object();
    if (!o) {
        error = "context: expected an object";
        return std::nullopt;
    }
    if (!readCount(*o, "maxPromptTokens", 256, out.maxPromptTokens, error) ||
        !readCount(*o, "contextWindow", 512, out.contextWindow, error) ||
        !readCount(*o, "maxWorkspaceFiles", 0, out.maxWorkspaceFiles, error) ||
        !readCount(*o, "maxFileBytes", 1, out.maxFileBytes, error) ||
        !readBool(*o, "definitions", out.definitions, error) || !readBool(*o, "snippets", out.snippets, error) ||
        !readBool(*o, "workspaceIndex", out.workspaceIndex, error))
        return std::nullopt;
    if (const json::value* v = o->if_contains("exclude"); v && !v->is_null()) {
        const json::array* list = v->if_array();
        if (!list) {
            error = "context.exclude: expected a list of patterns (gitignore syntax)";
            return std::nullopt;
        }
        for (const json::value& p : *list) {
            if (!p.is_string()) {
                error = "context.exclude: expected a list of patterns (gitignore syntax)";
                return std::nullopt;
            }
            out.exclude.emplace_back(p.as_string());
        }
    }
    return out;
}

} // namespace flint
