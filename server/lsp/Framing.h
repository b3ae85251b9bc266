#pragma once
// LSP base protocol framing: "Content-Length: N\r\n[Content-Type: ...\r\n]\r\n" then N
// bytes of JSON. The reader takes bytes as they come (any split, several messages per
// read) and yields whole payloads, or framing errors it has recovered from.
//
//   MessageReader reader;
//   std::vector<MessageReader::Event> events;
//   reader.feed(bytesFromStdin, events);
//   for (auto& e : events) e.isError() ? reportParseError(e.text) : dispatch(e.text);
//
// Recovery: a header block without a usable Content-Length is reported and dropped.
// A body larger than maxContentLength is reported and skipped byte by byte without
// being stored; a Content-Length too absurd to be a real message (over skipLimit)
// means the stream is out of step, so the reader drops bytes until the next
// "Content-Length:" (anywhere: a header follows the previous body directly); so does
// a header block longer than maxHeaderBytes. Events never depend on how the bytes were
// split into reads, and error texts are UTF-8 whatever the bytes were
// (tests/fuzz/framing.cpp checks both).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace flint::lsp {

class MessageReader {
public:
    struct Event {
        enum class Kind { Message, Error };
        Kind kind;
        std::string text;  // the JSON payload, or what was wrong
        bool isError() const { return kind == Kind::Error; }
    };
    struct Limits {
        size_t maxContentLength = size_t(128) << 20;  // bodies above this are skipped
        size_t skipLimit = size_t(2) << 30;           // above this, resynchronise instead
        size_t maxHeaderBytes = 16 << 10;
    };

    MessageReader() = default;
    explicit MessageReader(Limits limits) : limits_(limits) {}

    void feed(std::string_view bytes, std::vector<Event>& out);
    // True when no partial message is buffered.
    bool idle() const { return state_ == State::Header && buffer_.empty(); }

private:
    enum class State { Header, Body, Skip, Resync };
    void parseHeader(std::string_view header, std::vector<Event>& out);
    void resync(std::vector<Event>& out);

    Limits limits_;
    State state_ = State::Header;
    std::string buffer_;     // header bytes, or the body so far
    size_t remaining_ = 0;   // body bytes still expected (Body, Skip)
};

// Frames a JSON payload for the wire.
std::string frame(std::string_view payload);

} // namespace flint::lsp
