// LSP base-protocol framing (lsp/Framing): arbitrary bytes as they would arrive on
// stdin. Checks:
//  - the events (messages and errors) do not depend on how the bytes are split
//    into reads, with the real limits and with tiny ones that reach the skip and
//    resynchronisation paths;
//  - every error text is well-formed UTF-8 (it is quoted into a JSON-RPC error);
//  - the input cut at NUL bytes into payloads, framed with frame() and read back in
//    pieces, gives exactly those payloads and no error.
#include "lsp/Framing.h"

#include "FuzzSupport.h"

using flint::lsp::MessageReader;
using namespace flint::fuzz;

namespace {

using Events = std::vector<MessageReader::Event>;

bool same(const Events& a, const Events& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].kind != b[i].kind || a[i].text != b[i].text) return false;
    return true;
}

Events read(MessageReader::Limits limits, const std::vector<std::string_view>& pieces) {
    MessageReader reader(limits);
    Events events;
    for (std::string_view piece : pieces)
        reader.feed(piece, events);
    return events;
}

void checkSplits(std::string_view input, MessageReader::Limits limits) {
    const Events whole = read(limits, {input});
    for (const auto& e : whole)
        if (e.isError()) FUZZ_CHECK(wellFormedUtf8(e.text), "a framing error text is not UTF-8");
    const Events split = read(limits, chunks(input, seedOf(input)));
    FUZZ_CHECK(same(whole, split), "framing events depend on how the bytes were split");
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < input.size(); ++i)
        bytes.push_back(input.substr(i, 1));
    FUZZ_CHECK(same(whole, read(limits, bytes)), "framing events differ when fed byte by byte");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = asText(data, size);
    checkSplits(input, {});
    checkSplits(input, {.maxContentLength = 24, .skipLimit = 200, .maxHeaderBytes = 48});

    // Round trip: payloads framed by frame() come back exactly, however they are split.
    std::vector<std::string_view> payloads;
    std::string stream;
    for (size_t start = 0;;) {
        const size_t nul = input.find('\0', start);
        payloads.push_back(input.substr(
            start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
        stream += flint::lsp::frame(payloads.back());
        if (nul == std::string_view::npos) break;
        start = nul + 1;
    }
    MessageReader reader;
    Events events;
    for (std::string_view piece : chunks(stream, seedOf(input) + 1, 64))
        reader.feed(piece, events);
    FUZZ_CHECK(events.size() == payloads.size(), "framed payloads were not all read back");
    for (size_t i = 0; i < payloads.size(); ++i) {
        FUZZ_CHECK(!events[i].isError(), "a well-framed payload was reported as an error");
        FUZZ_CHECK(events[i].text == payloads[i], "a framed payload came back changed");
    }
    FUZZ_CHECK(reader.idle(), "the reader holds bytes after whole messages");
    return 0;
}
