// OpenAI Responses API (POST {endpoint}/responses, stream: true): typed SSE events.
// The text arrives in `response.output_text.delta`; the stream ends with
// `response.completed`, `response.incomplete` (token limit), `response.failed` or
// `error`. There is no [DONE] sentinel. The same events arrive as WebSocket
// messages in the Responses WebSocket mode.
#include "model/formats/Json.h"

namespace flint::formats {

namespace {

class OpenAiResponses final : public WireFormat {
public:
    std::string_view kind() const override { return "openai-responses"; }
    std::string_view path() const override { return "/responses"; }
    Framing framing() const override { return Framing::ServerSentEvents; }

    std::string requestBody(const ModelRequest& r) const override { return json::serialize(body(r)); }

    // WebSocket mode: the same fields as a `response.create` event; `stream` is
    // implicit on the socket and must not be sent.
    std::string webSocketMessage(const ModelRequest& r) const override {
        json::object event = body(r);
        event.erase("stream");
        json::object message{{"type", "response.create"}};
        for (auto& [key, value] : event) message[key] = value;
        return json::serialize(message);
    }

    static json::object body(const ModelRequest& r) {
        json::object body{
            {"model", r.model},
            {"input", r.user},
            {"stream", true},
            {"store", false},
            {"max_output_tokens", r.maxTokens},
        };
        if (!r.system.empty()) body["instructions"] = r.system;
        if (r.temperature) body["temperature"] = *r.temperature;
        return body;
    }

    void decode(std::string_view, std::string_view payload, StreamUpdate& out) const override {
        auto event = parseEvent(payload, out);
        if (!event) return;
        const std::string_view type = text(field(&*event, "type"));
        const json::value* response = field(&*event, "response");
        out.model = text(field(response, "model"));
        if (type == "response.output_text.delta") {
            out.text = text(field(&*event, "delta"));
        } else if (type == "response.completed") {
            out.end = StreamUpdate::End::Stop;
        } else if (type == "response.incomplete") {
            const std::string_view reason = text(field(field(response, "incomplete_details"), "reason"));
            out.end = reason == "max_output_tokens" || reason.empty() ? StreamUpdate::End::Length
                                                                     : StreamUpdate::End::Error;
            if (out.end == StreamUpdate::End::Error) out.error = "response incomplete: " + std::string(reason);
        } else if (type == "response.failed") {
            out.end = StreamUpdate::End::Error;
            out.error = text(field(field(response, "error"), "message"));
            if (out.error.empty()) out.error = "the response failed";
        } else if (type == "error") {
            out.end = StreamUpdate::End::Error;
            out.error = text(field(&*event, "message"));
            if (out.error.empty()) takeError(*event, out);
            if (out.error.empty()) out.error = "the provider reported an error";
        }
    }
};

} // namespace

const WireFormat& openAiResponsesFormat() {
    static const OpenAiResponses format;
    return format;
}

} // namespace flint::formats
