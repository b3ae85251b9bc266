#pragma once
// The wire formats Flint speaks to models: how to write a request body and how to
// read each streamed event. One small file per format under model/formats/; they
// know nothing of documents, LSP or sockets.
//
//   const WireFormat* format = findWireFormat("openai-chat");
//   std::string body = format->requestBody(request);   // POST to endpoint + format->path()
//   StreamDecoder decoder(*format);                    // then feed it the response body

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct ContextSnippet {
    std::string path;
    std::string text;
};

// What Flint asks of a model. Chat-style formats use `system` and `user`; fill-in-
// the-middle formats use `prefix`, `suffix` and `extra`.
struct ModelRequest {
    std::string model;
    std::string system;
    std::string user;
    std::optional<std::string> prediction;  // Predicted Outputs: text the answer mostly repeats
    std::string prefix;
    std::string suffix;
    std::vector<ContextSnippet> extra;
    // `prefix` is the whole prompt, already in the model's template: send it as is,
    // with no suffix and no server-side template (plain completion endpoints).
    bool raw = false;
    int maxTokens = 256;
    std::optional<double> temperature;
    std::vector<std::string> stop;
    // llama.cpp's t_max_predict_ms: once a line is complete, stop generating after this
    // long (counted from the first token). Unset: the provider's `predictBudgetMs`; 0: none.
    std::optional<int> predictBudgetMs;
    // llama.cpp's id_slot: the server slot whose prompt cache the request should reuse.
    // Unset: the provider's `slot`; -1: the server chooses.
    std::optional<int> slot;
};

// The work a server reports behind a stream (llama.cpp's `timings`), on the last
// update when the format carries it; -1 where it says nothing.
struct StreamUsage {
    int promptTokens = -1;  // prompt tokens evaluated for this request
    int cachedTokens = -1;  // prompt tokens reused from the server's cache
    int outputTokens = -1;
    double promptMs = -1;
    double outputMs = -1;
};

// What one streamed event means: new text, the serving model, or the end.
struct StreamUpdate {
    enum class End {
        None,       // more to come
        Stop,       // the model finished (end of turn or a stop sequence)
        Length,     // the token limit cut it short
        Truncated,  // the body ended without the format's end marker
        Error,      // the provider reported an error, or sent something unreadable
    };
    std::string text;
    std::string model;  // the model that served the request, when the event names it
    End end = End::None;
    std::string error;  // End::Error: what went wrong
    // End::Error without asking the model: why the request was not sent.
    enum class Refusal {
        None,
        Budget,         // a budget or the pacing would be exceeded (automatic requests only)
        RateLimited,    // the provider's Retry-After has not passed (automatic requests only)
        Starting,       // the local model server is not ready yet
        NoKey,          // the API key is missing
        Misconfigured,  // the provider cannot be used as configured (bad proxy, ...)
    };
    Refusal refused = Refusal::None;
    std::optional<StreamUsage> usage;
    // The final update (set by Provider): the last attempt's HTTP status (0: none, e.g. no
    // connection) and whether no first token came in time, so that a feature can name
    // its failures as the provider's statistics do.
    int status = 0;
    bool timedOut = false;
};

std::string_view toString(StreamUpdate::End end);

class WireFormat {
public:
    enum class Framing { ServerSentEvents, NewlineDelimitedJson };

    virtual ~WireFormat() = default;
    // The configuration name: "openai-responses", "openai-chat", "openai-completions",
    // "llama-infill", "ollama".
    virtual std::string_view kind() const = 0;
    // Appended to the configured endpoint: "/chat/completions", "/infill", ...
    virtual std::string_view path() const = 0;
    virtual Framing framing() const = 0;
    virtual std::string requestBody(const ModelRequest& request) const = 0;
    // The message that asks for the same response over a WebSocket, for formats that
    // have a WebSocket mode ("" for the others).
    virtual std::string webSocketMessage(const ModelRequest&) const { return {}; }
    // Decodes one event: an SSE event (its type and data), an NDJSON line (type
    // empty) or a WebSocket message (type empty). Fills `out`.
    virtual void decode(std::string_view type, std::string_view payload, StreamUpdate& out) const = 0;
};

const WireFormat* findWireFormat(std::string_view kind);
std::span<const WireFormat* const> wireFormats();

} // namespace flint
