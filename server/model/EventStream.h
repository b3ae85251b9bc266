#pragma once
// Incremental decoders for the two streaming body framings models use:
// Server-Sent Events (text/event-stream, per the WHATWG rules) and newline-
// delimited JSON. Bytes go in as they arrive off the socket, in any split;
// complete events and lines come out at once, so a token is never held back
// waiting for more input.
//
//   SseDecoder sse;
//   std::vector<SseEvent> events;
//   if (!sse.feed(chunk, events)) abandonStream();   // an event outgrew the limit
//   for (const SseEvent& e : events) handle(e.type, e.data);
//
//   LineDecoder ndjson;
//   std::vector<std::string> lines;
//   ndjson.feed(chunk, lines);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct SseEvent {
    std::string type = "message";  // the `event:` field, "message" when absent
    std::string data;              // `data:` lines joined with "\n"
    std::string id;                // the last event id seen (persists across events)
    std::optional<uint32_t> retry; // `retry:` in milliseconds, when given
};

class SseDecoder {
public:
    explicit SseDecoder(size_t maxEventBytes = size_t(8) << 20) : maxEventBytes_(maxEventBytes) {}
    // Returns false once an event (or a line) grows past the limit: the stream is
    // then unusable and further input is ignored.
    bool feed(std::string_view bytes, std::vector<SseEvent>& out);
    bool failed() const { return failed_; }

private:
    void line(std::string_view line, std::vector<SseEvent>& out);

    size_t maxEventBytes_;
    std::string partial_;        // the current line so far
    bool afterCarriageReturn_ = false;  // a '\n' next would end nothing new
    bool started_ = false;       // the byte order mark check is done
    bool failed_ = false;
    std::string type_;
    std::string data_;
    bool hasData_ = false;
    std::string lastId_;
    std::optional<uint32_t> retry_;
};

class LineDecoder {
public:
    explicit LineDecoder(size_t maxLineBytes = size_t(8) << 20) : maxLineBytes_(maxLineBytes) {}
    // Emits each complete non-blank line (without "\n" or "\r\n"); false once a
    // line outgrows the limit.
    bool feed(std::string_view bytes, std::vector<std::string>& out);
    // The body ended: a last line without a newline is emitted.
    void finish(std::vector<std::string>& out);
    bool failed() const { return failed_; }

private:
    size_t maxLineBytes_;
    std::string partial_;
    bool failed_ = false;
};

} // namespace flint
