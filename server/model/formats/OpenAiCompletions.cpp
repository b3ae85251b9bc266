// OpenAI-style completions with a suffix, for fill-in-the-middle
// (POST {endpoint}/completions: vLLM, DeepSeek, Mistral-style FIM endpoints):
// SSE events with choices[0].text, a finish_reason, then `data: [DONE]`.
#include "model/formats/Json.h"

namespace flint::formats {

namespace {

class OpenAiCompletions final : public WireFormat {
public:
    std::string_view kind() const override { return "openai-completions"; }
    std::string_view path() const override { return "/completions"; }
    Framing framing() const override { return Framing::ServerSentEvents; }

    std::string requestBody(const ModelRequest& r) const override {
        json::object body{
            {"model", r.model},
            {"prompt", r.prefix},
            {"stream", true},
            {"max_tokens", r.maxTokens},
        };
        // A raw prompt is sent alone: servers without FIM support (vLLM) reject `suffix`.
        if (!r.raw) body["suffix"] = r.suffix;
        if (r.temperature) body["temperature"] = *r.temperature;
        if (!r.stop.empty()) body["stop"] = toArray(r.stop);
        return json::serialize(body);
    }

    void decode(std::string_view, std::string_view payload, StreamUpdate& out) const override {
        decodeChoiceEvent(payload, out, [](const json::value& choice) { return text(field(&choice, "text")); });
    }
};

} // namespace

const WireFormat& openAiCompletionsFormat() {
    static const OpenAiCompletions format;
    return format;
}

} // namespace flint::formats
