// Ollama generate with a suffix (POST {endpoint}/api/generate): newline-delimited
// JSON objects with `response` text; the last has `done: true` and a `done_reason`.
#include "model/formats/Json.h"

namespace flint::formats {

namespace {

class Ollama final : public WireFormat {
public:
    std::string_view kind() const override { return "ollama"; }
    std::string_view path() const override { return "/api/generate"; }
    Framing framing() const override { return Framing::NewlineDelimitedJson; }

    std::string requestBody(const ModelRequest& r) const override {
        json::object options{{"num_predict", r.maxTokens}};
        if (r.temperature) options["temperature"] = *r.temperature;
        if (!r.stop.empty()) options["stop"] = toArray(r.stop);
        json::object body{
            {"model", r.model},
            {"prompt", r.prefix},
            {"stream", true},
            {"options", std::move(options)},
        };
        // A raw prompt is already in the model's template: Ollama must not apply its own.
        if (r.raw) body["raw"] = true;
        else body["suffix"] = r.suffix;
        return json::serialize(body);
    }

    void decode(std::string_view, std::string_view payload, StreamUpdate& out) const override {
        auto event = parseEvent(payload, out);
        if (!event || takeError(*event, out)) return;
        out.text = text(field(&*event, "response"));
        out.model = text(field(&*event, "model"));
        const json::value* done = field(&*event, "done");
        if (done && done->is_bool() && done->as_bool())
            out.end = text(field(&*event, "done_reason")) == "length" ? StreamUpdate::End::Length : StreamUpdate::End::Stop;
    }
};

} // namespace

const WireFormat& ollamaFormat() {
    static const Ollama format;
    return format;
}

} // namespace flint::formats
