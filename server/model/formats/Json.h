#pragma once
// Small, forgiving readers for provider JSON, shared by the wire formats: a field
// that is absent or of another type reads as empty. Included by formats/*.cpp only.

#include "model/WireFormat.h"
#include "support/Utf8.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace flint::formats {

namespace json = boost::json;

inline const json::value* field(const json::value* v, std::string_view key) {
    const json::object* o = v ? v->if_object() : nullptr;
    return o ? o->if_contains(key) : nullptr;
}

inline std::string_view text(const json::value* v) {
    const json::string* s = v ? v->if_string() : nullptr;
    return s ? std::string_view(*s) : std::string_view();
}

// Parses one event's JSON; an unreadable event ends the stream with an error.
inline std::optional<json::value> parseEvent(std::string_view payload, StreamUpdate& out) {
    boost::system::error_code ec;
    json::value value = json::parse(payload, ec);
    if (ec || !value.is_object()) {
        out.end = StreamUpdate::End::Error;
        out.error = "malformed event from the model server: " + utf8Excerpt(payload, 120);
        return std::nullopt;
    }
    return value;
}

// Providers report errors as a string or as {message, type, code}.
inline bool takeError(const json::value& event, StreamUpdate& out) {
    const json::value* error = field(&event, "error");
    if (!error || error->is_null()) return false;
    out.end = StreamUpdate::End::Error;
    out.error = error->is_string() ? std::string(error->as_string()) : std::string(text(field(error, "message")));
    if (out.error.empty()) out.error = json::serialize(*error);
    return true;
}

// OpenAI-style streamed choices (Chat Completions and completions): "[DONE]", an error
// object, or {model, choices: [{..., finish_reason}]}. `textOf` reads a choice's text.
inline void decodeChoiceEvent(std::string_view payload, StreamUpdate& out,
                              std::string_view (*textOf)(const json::value& choice)) {
    if (payload == "[DONE]") {
        out.end = StreamUpdate::End::Stop;
        return;
    }
    auto event = parseEvent(payload, out);
    if (!event || takeError(*event, out)) return;
    out.model = text(field(&*event, "model"));
    const json::value* choices = field(&*event, "choices");
    if (!choices || !choices->is_array() || choices->as_array().empty()) return;  // e.g. a usage chunk
    const json::value& choice = choices->as_array().front();
    out.text = textOf(choice);
    const std::string_view finish = text(field(&choice, "finish_reason"));
    if (finish == "length") out.end = StreamUpdate::End::Length;
    else if (!finish.empty()) out.end = StreamUpdate::End::Stop;
}

inline json::array toArray(const std::vector<std::string>& strings) {
    json::array out;
    for (const std::string& s : strings) out.emplace_back(s);
    return out;
}

} // namespace flint::formats
