#include "model/StreamDecoder.h"

namespace flint {

std::string_view toString(StreamUpdate::End end) {
    switch (end) {
    case StreamUpdate::End::None: return "none";
    case StreamUpdate::End::Stop: return "stop";
    case StreamUpdate::End::Length: return "length";
    case StreamUpdate::End::Truncated: return "truncated";
    case StreamUpdate::End::Error: return "error";
    }
    return "none";
}

void StreamDecoder::emit(std::string_view type, std::string_view payload, std::vector<StreamUpdate>& out) {
    if (ended_) return;
    StreamUpdate update;
    format_.decode(type, payload, update);
    if (update.text.empty() && update.model.empty() && update.end == StreamUpdate::End::None) return;
    ended_ = update.end != StreamUpdate::End::None;
    out.push_back(std::move(update));
}

void StreamDecoder::fail(std::string message, std::vector<StreamUpdate>& out) {
    if (ended_) return;
    ended_ = true;
    StreamUpdate update;
    update.end = StreamUpdate::End::Error;
    update.error = std::move(message);
    out.push_back(std::move(update));
}

void StreamDecoder::feed(std::string_view bytes, std::vector<StreamUpdate>& out) {
    if (ended_) return;
    if (format_.framing() == WireFormat::Framing::ServerSentEvents) {
        const bool ok = sse_.feed(bytes, events_);
        for (const SseEvent& event : events_) emit(event.type, event.data, out);
        events_.clear();
        if (!ok) fail("a streamed event exceeded the size limit", out);
    } else {
        const bool ok = lines_.feed(bytes, pending_);
        for (const std::string& line : pending_) emit({}, line, out);
        pending_.clear();
        if (!ok) fail("a streamed line exceeded the size limit", out);
    }
}

void StreamDecoder::feedMessage(std::string_view message, std::vector<StreamUpdate>& out) { emit({}, message, out); }

void StreamDecoder::finish(std::vector<StreamUpdate>& out) {
    if (format_.framing() == WireFormat::Framing::NewlineDelimitedJson && !ended_) {
        lines_.finish(pending_);
        // A last line without its newline is taken if it reads as a whole event; if
        // not, the connection was cut mid-line: that is a truncation, not bad data.
        for (const std::string& line : pending_) {
            StreamUpdate update;
            format_.decode({}, line, update);
            if (update.end == StreamUpdate::End::Error) break;
            emit({}, line, out);
        }
        pending_.clear();
    }
    if (ended_) return;
    ended_ = true;
    StreamUpdate update;
    update.end = StreamUpdate::End::Truncated;
    update.error = "the stream ended before the model finished";
    out.push_back(std::move(update));
}

} // namespace flint
