// llama.cpp server fill-in-the-middle (POST {endpoint}/infill, stream: true):
// input_prefix / input_suffix / input_extra in, SSE events with `content` out; the
// last one has `stop: true`, a `stop_type` ("eos", "word" or "limit") and `timings`
// (prompt tokens evaluated and reused from the cache, tokens generated, their times).
// `cache_prompt` keeps the slot's KV cache for the next request at the same place, and
// `id_slot` pins requests to one slot: on a multi-slot server the request after a
// keystroke-cancelled one would otherwise go to an idle slot with nothing cached (the
// cancelled slot is still busy). `t_max_predict_ms` bounds a long generation once a
// line is complete.
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
        if (r.predictBudgetMs && *r.predictBudgetMs > 0) body["t_max_predict_ms"] = *r.predictBudgetMs;
        if (r.slot && *r.slot >= 0) body["id_slot"] = *r.slot;
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
        if (const json::value* timings = field(&*event, "timings"); timings && timings->is_object()) {
            StreamUsage usage;
            usage.promptTokens = count(field(timings, "prompt_n"));
            usage.cachedTokens = count(field(timings, "cache_n"));
            usage.outputTokens = count(field(timings, "predicted_n"));
            usage.promptMs = millis(field(timings, "prompt_ms"));
            usage.outputMs = millis(field(timings, "predicted_ms"));
            out.usage = usage;
        }
    }

private:
    static int count(const json::value* v) { return v && v->is_int64() ? static_cast<int>(v->as_int64()) : -1; }
    static double millis(const json::value* v) { return v && v->is_number() ? v->to_number<double>() : -1; }
};

} // namespace

const WireFormat& llamaInfillFormat() {
    static const LlamaInfill format;
    return format;
}

} // namespace flint::formats
