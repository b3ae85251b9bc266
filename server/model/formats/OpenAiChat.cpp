// OpenAI Chat Completions (POST {endpoint}/chat/completions, stream: true), as
// served by OpenAI, Cerebras, Groq, Together, vLLM, SGLang, LM Studio, Ollama's
// /v1 and llama.cpp's /v1: SSE `chat.completion.chunk` events with
// choices[0].delta.content, a finish_reason on the last one, then `data: [DONE]`.
// Optional Predicted Outputs (`prediction`) for rewrites of known text.
#include "model/formats/Json.h"

namespace flint::formats {

namespace {

class OpenAiChat final : public WireFormat {
public:
    std::string_view kind() const override { return "openai-chat"; }
    std::string_view path() const override { return "/chat/completions"; }
    Framing framing() const override { return Framing::ServerSentEvents; }

    std::string requestBody(const ModelRequest& r) const override {
        json::array messages;
        if (!r.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", r.system}});
        messages.push_back(json::object{{"role", "user"}, {"content", r.user}});
        json::object body{
            {"model", r.model},
            {"messages", std::move(messages)},
            {"stream", true},
            // max_tokens, not max_completion_tokens: every compatible server takes it,
            // and Predicted Outputs refuse the latter.
            {"max_tokens", r.maxTokens},
        };
        if (r.temperature) body["temperature"] = *r.temperature;
        if (!r.stop.empty()) body["stop"] = toArray(r.stop);
        if (r.prediction) body["prediction"] = json::object{{"type", "content"}, {"content", *r.prediction}};
        return json::serialize(body);
    }

    void decode(std::string_view, std::string_view payload, StreamUpdate& out) const override {
        decodeChoiceEvent(payload, out, [](const json::value& choice) { return text(field(field(&choice, "delta"), "content")); });
    }
};

} // namespace

const WireFormat& openAiChatFormat() {
    static const OpenAiChat format;
    return format;
}

} // namespace flint::formats
