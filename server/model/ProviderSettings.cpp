#include "model/ProviderSettings.h"

#include <boost/json/value.hpp>

namespace flint {

namespace json = boost::json;

json::object mergeSettings(const json::object& base, const json::object& over) {
    json::object out = base;
    for (const auto& [key, value] : over) {
        json::value* existing = out.if_contains(key);
        if (existing && existing->is_object() && value.is_object())
            *existing = mergeSettings(existing->as_object(), value.as_object());
        else
            out[key] = value;
    }
    return out;
}

namespace {

const json::object* objectAt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v ? v->if_object() : nullptr;
}

bool keyed(const json::object& provider) {
    for (std::string_view key : {"apiKeyEnv", "apiKeyFile"}) {
        const json::value* v = provider.if_contains(key);
        if (v && v->is_string() && !v->as_string().empty()) return true;
    }
    return false;
}

// Puts back the user's value of `key` (or removes it) in `merged`.
void restore(json::object& merged, const json::object* user, std::string_view key) {
    const json::value* original = user ? user->if_contains(key) : nullptr;
    if (original) merged[key] = *original;
    else merged.erase(key);
}

void guardProvider(json::object& merged, const json::object* user, const json::object& workspace,
                   const std::string& where, std::vector<std::string>& ignored) {
    const bool hasKey = keyed(merged);
    for (std::string_view key : {"endpoint", "proxy", "caFile", "tlsVerify", "command"}) {
        const json::value* value = workspace.if_contains(key);
        if (!value) continue;
        // Where the key goes, and how it is protected, is the user's call; so is what runs.
        if (key != "command" && !hasKey) continue;
        const json::value* original = user ? user->if_contains(key) : nullptr;
        if (original && *original == *value) continue;
        restore(merged, user, key);
        ignored.push_back(where + "." + std::string(key));
    }
}

} // namespace

LayeredSettings layerSettings(const json::object& user, const json::object& workspace) {
    LayeredSettings out;
    out.effective = mergeSettings(user, workspace);
    restore(out.effective, &user, "trustWorkspaceEndpoints");  // only the user can say it
    if (workspace.contains("trustWorkspaceEndpoints")) out.ignored.push_back("trustWorkspaceEndpoints");
    const json::value* trust = user.if_contains("trustWorkspaceEndpoints");
    if (trust && trust->is_bool() && trust->as_bool()) return out;

    // Exports open a port or write a file where the setting says: the user's call only.
    if (const json::object* w = objectAt(workspace, "stats")) {
        json::object* m = out.effective.if_contains("stats") ? out.effective["stats"].if_object() : nullptr;
        const json::object* u = objectAt(user, "stats");
        for (std::string_view key : {"prometheusPort", "otlpFile"}) {
            if (!m || !w->contains(key)) continue;
            const json::value* mine = u ? u->if_contains(key) : nullptr;
            if (mine) (*m)[key] = *mine;
            else m->erase(key);
            out.ignored.push_back("stats." + std::string(key));
        }
    }

    if (const json::object* w = objectAt(workspace, "provider"))
        if (json::object* m = out.effective.if_contains("provider") ? out.effective["provider"].if_object() : nullptr)
            guardProvider(*m, objectAt(user, "provider"), *w, "provider", out.ignored);
    const json::object* wProviders = objectAt(workspace, "providers");
    json::object* mProviders = out.effective.if_contains("providers") ? out.effective["providers"].if_object() : nullptr;
    if (wProviders && mProviders) {
        const json::object* uProviders = objectAt(user, "providers");
        for (const auto& [name, value] : *wProviders) {
            const json::object* w = value.if_object();
            json::object* m = mProviders->if_contains(name) ? (*mProviders)[name].if_object() : nullptr;
            if (!w || !m) continue;
            guardProvider(*m, uProviders ? objectAt(*uProviders, name) : nullptr, *w,
                          "providers." + std::string(name), out.ignored);
        }
    }
    return out;
}

ProviderSettings parseProviderSettings(const json::object& settings) {
    ProviderSettings out;
    std::string error;
    if (const json::value* single = settings.if_contains("provider"); single && !single->is_null()) {
        if (auto config = parseProviderObject(*single, "provider", error)) out.providers.emplace("default", *config);
        else out.errors.push_back(error);
    }
    if (const json::value* named = settings.if_contains("providers"); named && !named->is_null()) {
        if (const json::object* o = named->if_object()) {
            for (const auto& [name, value] : *o) {
                const std::string where = "providers." + std::string(name);
                if (name == "default" && out.providers.contains("default")) {
                    out.errors.push_back(where + ": the name 'default' is taken by flint.provider");
                    continue;
                }
                error.clear();
                if (auto config = parseProviderObject(value, where, error)) out.providers.emplace(std::string(name), *config);
                else out.errors.push_back(error);
            }
        } else {
            out.errors.push_back("providers: expected an object of named providers");
        }
    }

    std::string fallback;
    if (out.providers.contains("default")) fallback = "default";
    else if (out.providers.size() == 1) fallback = out.providers.begin()->first;
    for (auto& route : out.routes) route.provider = fallback;

    const json::value* features = settings.if_contains("features");
    const json::object* f = features ? features->if_object() : nullptr;
    if (features && !features->is_null() && !f) out.errors.push_back("features: expected an object");
    for (size_t i = 0; f && i < kModelFeatureNames.size(); ++i) {
        const std::string where = "features." + std::string(kModelFeatureNames[i]);
        const json::value* v = f->if_contains(kModelFeatureNames[i]);
        if (!v || v->is_null()) continue;
        FeatureRoute route;
        route.provider = fallback;
        if (v->is_string()) {
            route.provider = std::string(v->as_string());
        } else if (const json::object* o = v->if_object()) {
            const json::value* p = o->if_contains("provider");
            const json::value* h = o->if_contains("hedge");
            const json::value* after = o->if_contains("hedgeAfterMs");
            const json::value* fb = o->if_contains("fallback");
            if ((p && !p->is_string()) || (h && !h->is_null() && !h->is_string()) ||
                (fb && !fb->is_null() && !fb->is_string())) {
                out.errors.push_back(where + ": provider, hedge and fallback are provider names");
                continue;
            }
            if (fb && fb->is_string()) route.fallback = std::string(fb->as_string());
            if (p) route.provider = std::string(p->as_string());
            if (h && h->is_string()) route.hedge = std::string(h->as_string());
            if (after) {
                if (!after->is_int64() || after->as_int64() < 0) {
                    out.errors.push_back(where + ".hedgeAfterMs: expected a whole number of milliseconds");
                    continue;
                }
                route.hedgeAfter = std::chrono::milliseconds(after->as_int64());
            }
        } else {
            out.errors.push_back(where + ": expected a provider name or {provider, hedge, hedgeAfterMs, fallback}");
            continue;
        }
        auto known = [&](const std::string& name) {
            return out.providers.contains(name);
        };
        if (!route.provider.empty() && !known(route.provider)) {
            out.errors.push_back(where + ": no provider named '" + route.provider + "' in flint.providers");
            route.provider.clear();
        }
        if (!route.hedge.empty()) {
            if (!known(route.hedge)) {
                out.errors.push_back(where + ".hedge: no provider named '" + route.hedge + "' in flint.providers");
                route.hedge.clear();
            } else if (!route.provider.empty() &&
                       out.providers.at(route.hedge).kind != out.providers.at(route.provider).kind) {
                out.errors.push_back(where + ".hedge: '" + route.hedge + "' speaks " +
                                     out.providers.at(route.hedge).kind + " but '" + route.provider + "' speaks " +
                                     out.providers.at(route.provider).kind +
                                     ": a hedge must take the same request");
                route.hedge.clear();
            } else if (route.hedge == route.provider) {
                route.hedge.clear();
            }
        }
        if (!route.fallback.empty()) {
            if (!known(route.fallback)) {
                out.errors.push_back(where + ".fallback: no provider named '" + route.fallback + "' in flint.providers");
                route.fallback.clear();
            } else if (route.fallback == route.provider) {
                route.fallback.clear();
            }
        }
        out.routes[i] = route;
    }
    return out;
}

} // namespace flint
