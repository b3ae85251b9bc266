#pragma once
// Turns a streamed response body into StreamUpdates as the bytes arrive, using a
// wire format's framing (SSE or NDJSON) and its event decoder. Once an update ends
// the stream (stop, length, error) later input is ignored; finish() reports a body
// that ended without an end marker as Truncated.
//
//   StreamDecoder decoder(*findWireFormat("ollama"));
//   std::vector<StreamUpdate> updates;
//   decoder.feed(chunk, updates);      // each token as soon as its bytes are here
//   decoder.finish(updates);           // at the end of the body

#include "model/EventStream.h"
#include "model/WireFormat.h"

namespace flint {

class StreamDecoder {
public:
    explicit StreamDecoder(const WireFormat& format) : format_(format) {}

    void feed(std::string_view bytes, std::vector<StreamUpdate>& out);
    // A whole message (WebSocket transports deliver events unframed).
    void feedMessage(std::string_view message, std::vector<StreamUpdate>& out);
    void finish(std::vector<StreamUpdate>& out);
    bool ended() const { return ended_; }

private:
    void emit(std::string_view type, std::string_view payload, std::vector<StreamUpdate>& out);
    void fail(std::string message, std::vector<StreamUpdate>& out);

    const WireFormat& format_;
    SseDecoder sse_;
    LineDecoder lines_;
    std::vector<SseEvent> events_;
    std::vector<std::string> pending_;
    bool ended_ = false;
};

} // namespace flint
