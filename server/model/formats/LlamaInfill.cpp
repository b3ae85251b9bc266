// llama.cpp server fill-in-the-middle (POST {endpoint}/infill, stream: true):
// input_prefix / input_suffix / input_extra in, SSE events with `content` out; the
// last one has `stop: true` and a `stop_type` ("eos", "word" or "limit").
#include "model/formats/Json.h"

namespace flint::formats {

namespace {

class LlamaInfill final : public WireFormat {
public:
    std::string_view kind() const override { return "llama-infill"; }
    std::string_view path() const override { return "/infill"; }
    Framing framing() const override { return Framing::ServerSentEvents; }

    std::string requestBody(const ModelRequest& r) const override {
        json::array extra;
        for (const ContextSnippet& s : r.extra) extra.push_back(json::object{{"filename", s.path}, {"text", s.text}});
        json::object body{
            {"input_prefix", r.prefix},
            {"input_suffix", r.suffix},
            {"input_extra", std::move(extra)},
            {"prompt", ""},
            {"n_predict", r.maxTokens},
            {"stream", true},
            {"cache_prompt", true},
        };
        if (!r.model.empty()) body["model"] = r.model;
        if (r.temperature) body["temperature"] = *r.temperature;
        if (!r.stop.empty()) body["stop"] = toArray(r.stop);
        return json::serialize(body);
    }

    void decode(std::string_view, std::string_view payload, StreamUpdate& out) const override {
        auto event = parseEvent(payload, out);
        if (!event || takeError(*event, out)) return;
        out.text = text(field(&*event, "content"));
        out.model = text(field(&*event, "model"));
        const json::value* stop = field(&*event, "stop");
        if (stop && stop->is_bool() && stop->as_bool())
            out.end = text(field(&*event, "stop_type")) == "limit" ? StreamUpdate::End::Length : StreamUpdate::End::Stop;
    }
};

} // namespace

const WireFormat& llamaInfillFormat() {
    static const LlamaInfill format;
    return format;
}

} // namespace flint::formats
