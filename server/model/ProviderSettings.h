#pragma once
// Everything in Flint's configuration that decides which model serves what, and
// from which level each setting may come.
//
// Providers: `provider` is one provider for every feature (named "default");
// `providers` names several ({"fast": {...}, "strong": {...}}), and `features` says
// which serves each feature:
//
//   { "providers": { "fast": {...}, "gpu": {...}, "strong": {...} },
//     "features": { "inline": {"provider": "fast", "hedge": "gpu", "hedgeAfterMs": 150},
//                   "nextEdit": "fast", "actions": "strong" } }
//
// A feature not named in `features` uses `provider`, or the only entry of
// `providers` when there is exactly one.
//
// Levels: settings come from the user (the user config file, and what the client
// marks as user-level) and from the workspace (an untrusted repository's settings).
// layerSettings() merges them, the workspace over the user, except that a workspace
// may not redirect a keyed provider (endpoint, proxy, caFile, tlsVerify) nor name a
// command to run, unless the user set `trustWorkspaceEndpoints: true` at user level.
//
//   LayeredSettings layered = layerSettings(user, workspace);
//   for (auto& what : layered.ignored) warn(what);
//   ProviderSettings settings = parseProviderSettings(layered.effective);

#include "model/ProviderConfig.h"

#include <boost/json/object.hpp>

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace flint {

enum class ModelFeature { Inline = 0, NextEdit = 1, Actions = 2 };
inline constexpr std::array<std::string_view, 3> kModelFeatureNames{"inline", "nextEdit", "actions"};

struct FeatureRoute {
    std::string provider;  // "" → none configured for the feature
    std::string hedge;     // a second provider raced when the first is slow ("" → none)
    std::chrono::milliseconds hedgeAfter{200};
    // A provider that takes over while this one is degraded (slow first tokens; see
    // stats/ServingStats.h), "" → none. It may speak another wire format.
    std::string fallback;
    friend bool operator==(const FeatureRoute&, const FeatureRoute&) = default;
};

struct ProviderSettings {
    std::map<std::string, ProviderConfig> providers;
    std::array<FeatureRoute, 3> routes;  // by ModelFeature
    std::vector<std::string> errors;     // one line each, naming the setting
    const FeatureRoute& route(ModelFeature f) const { return routes[static_cast<size_t>(f)]; }
};

ProviderSettings parseProviderSettings(const boost::json::object& settings);

struct LayeredSettings {
    boost::json::object effective;
    std::vector<std::string> ignored;  // "provider.endpoint", ... taken from the user level instead
};

// Objects merge key by key (recursively); anything else in `over` replaces `base`.
boost::json::object mergeSettings(const boost::json::object& base, const boost::json::object& over);

LayeredSettings layerSettings(const boost::json::object& user, const boost::json::object& workspace);

} // namespace flint
