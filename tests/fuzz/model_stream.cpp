// Model response bodies (model/EventStream, model/StreamDecoder): the input is a
// streamed body as a model server would send it, decoded by the SSE and NDJSON
// decoders and by every wire format's StreamDecoder. Checks:
//  - what comes out does not depend on how the body is split into reads (whole, byte
//    by byte, random pieces), with the real size limits and with tiny ones;
//  - a StreamDecoder ends exactly once: one ending update, the last, after finish();
//  - text and error messages are well-formed UTF-8 (they end up in JSON to the editor);
//  - each line fed as a WebSocket message decodes without harm.
#include "FuzzSupport.h"
#include "model/EventStream.h"
#include "model/StreamDecoder.h"
#include "model/WireFormat.h"

using namespace flint;
using namespace flint::fuzz;

namespace {

using Pieces = std::vector<std::string_view>;

std::vector<Pieces> splits(std::string_view input) {
    Pieces bytes;
    for (size_t i = 0; i < input.size(); ++i)
        bytes.push_back(input.substr(i, 1));
    return {{input}, bytes, chunks(input, seedOf(input))};
}

// --- SSE ------------------------------------------------------------------------------

struct SseOutcome {
    std::vector<SseEvent> events;
    bool failed = false;
    bool operator==(const SseOutcome& o) const {
        if (failed != o.failed || events.size() != o.events.size()) return false;
        for (size_t i = 0; i < events.size(); ++i) {
            const SseEvent &a = events[i], &b = o.events[i];
            if (a.type != b.type || a.data != b.data || a.id != b.id || a.retry != b.retry)
                return false;
        }
        return true;
    }
};

SseOutcome sse(const Pieces& pieces, size_t limit) {
    SseDecoder decoder(limit);
    SseOutcome o;
    for (std::string_view piece : pieces) {
        const bool ok = decoder.feed(piece, o.events);
        FUZZ_CHECK(ok == !decoder.failed(), "SseDecoder::feed and failed() disagree");
    }
    o.failed = decoder.failed();
    return o;
}

// --- NDJSON ---------------------------------------------------------------------------

struct LineOutcome {
    std::vector<std::string> lines;
    bool failed = false;
    bool operator==(const LineOutcome&) const = default;
};

LineOutcome ndjson(const Pieces& pieces, size_t limit) {
    LineDecoder decoder(limit);
    LineOutcome o;
    for (std::string_view piece : pieces)
        decoder.feed(piece, o.lines);
    decoder.finish(o.lines);
    o.failed = decoder.failed();
    for (const std::string& line : o.lines) {
        FUZZ_CHECK(line.find('\n') == std::string::npos, "an NDJSON line holds a newline");
        FUZZ_CHECK(line.find_first_not_of(" \t\r") != std::string::npos,
                   "a blank NDJSON line was emitted");
    }
    return o;
}

// --- wire formats ---------------------------------------------------------------------

bool sameUpdates(const std::vector<StreamUpdate>& a, const std::vector<StreamUpdate>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const StreamUpdate &x = a[i], &y = b[i];
        if (x.text != y.text || x.model != y.model || x.end != y.end || x.error != y.error ||
            x.refused != y.refused || x.usage.has_value() != y.usage.has_value())
            return false;
        if (x.usage && (x.usage->promptTokens != y.usage->promptTokens ||
                        x.usage->cachedTokens != y.usage->cachedTokens ||
                        x.usage->outputTokens != y.usage->outputTokens))
            return false;
    }
    return true;
}

void checkUpdates(const std::vector<StreamUpdate>& updates, bool finished) {
    for (size_t i = 0; i < updates.size(); ++i) {
        const StreamUpdate& u = updates[i];
        FUZZ_CHECK(wellFormedUtf8(u.text), "streamed text is not UTF-8");
        FUZZ_CHECK(wellFormedUtf8(u.model), "a model name is not UTF-8");
        FUZZ_CHECK(wellFormedUtf8(u.error), "a stream error message is not UTF-8");
        FUZZ_CHECK(u.end == StreamUpdate::End::None || i + 1 == updates.size(),
                   "an update followed the end of the stream");
        FUZZ_CHECK(u.refused == StreamUpdate::Refusal::None, "a decoder produced a refusal");
    }
    if (finished)
        FUZZ_CHECK(!updates.empty() && updates.back().end != StreamUpdate::End::None,
                   "a finished stream has no ending update");
}

std::vector<StreamUpdate> decode(const WireFormat& format, const Pieces& pieces) {
    StreamDecoder decoder(format);
    std::vector<StreamUpdate> updates;
    for (std::string_view piece : pieces)
        decoder.feed(piece, updates);
    checkUpdates(updates, false);
    decoder.finish(updates);
    checkUpdates(updates, true);
    FUZZ_CHECK(decoder.ended(), "finish() left the decoder running");
    return updates;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    silenceLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = asText(data, size);
    const std::vector<Pieces> ways = splits(input);

    for (size_t limit : {size_t(8) << 20, size_t(40)}) {
        const SseOutcome events = sse(ways[0], limit);
        const LineOutcome lines = ndjson(ways[0], limit);
        for (size_t w = 1; w < ways.size(); ++w) {
            FUZZ_CHECK(sse(ways[w], limit) == events,
                       "SSE events depend on how the body was split");
            FUZZ_CHECK(ndjson(ways[w], limit) == lines,
                       "NDJSON lines depend on how the body was split");
        }
    }

    for (const WireFormat* format : wireFormats()) {
        const std::vector<StreamUpdate> whole = decode(*format, ways[0]);
        for (size_t w = 1; w < ways.size(); ++w)
            FUZZ_CHECK(sameUpdates(decode(*format, ways[w]), whole),
                       "stream updates depend on how the body was split");

        // WebSocket transports deliver whole messages: each line as one.
        StreamDecoder messages(*format);
        std::vector<StreamUpdate> updates;
        for (size_t start = 0; start <= input.size() && !messages.ended();) {
            const size_t end = std::min(input.find('\n', start), input.size());
            messages.feedMessage(input.substr(start, end - start), updates);
            start = end + 1;
        }
        checkUpdates(updates, false);
    }
    return 0;
}
