// Output shaping (suggest/Shaping): a document, a cursor and a model's reply, shaped
// in one go and streamed in random pieces. The input is
//     <language><flags><document, the cursor at the first \x01 byte> \0 <reply>
// (language: p python, c C, C C++, j JavaScript, t TypeScript, g Go, r Rust, J Java,
// s shell, x plain text, any other byte picks by its value; flags: bit 0 a chat reply).
// Checks, from docs/ARCHITECTURE.md's invariants:
//  - streamed text only grows: each partial extends the last, the final extends them
//    all;
//  - in a document without syntax errors, the streamed final (stopped where a partial
//    said "settled") extends the reply shaped in one go (it may keep more: shown text
//    is never taken back);
//  - shown text parses: with a grammar, no partial or final adds a syntax error;
//  - the results are UTF-8 (they go to the editor in JSON).
#include "suggest/Shaping.h"

#include "FuzzSupport.h"
#include "context/CompletionContext.h"
#include "support/Utf8.h"
#include "workspace/Document.h"

using namespace flint;
using namespace flint::fuzz;

namespace {

const char* languageFor(unsigned char c) {
    switch (c) {
    case 'p':
        return "python";
    case 'c':
        return "c";
    case 'C':
        return "cpp";
    case 'j':
        return "javascript";
    case 't':
        return "typescript";
    case 'g':
        return "go";
    case 'r':
        return "rust";
    case 'J':
        return "java";
    case 's':
        return "shellscript";
    case 'x':
        return "plaintext";
    }
    static const char* const all[] = {"python", "c",    "cpp",  "javascript", "typescript",
                                      "go",     "rust", "java", "plaintext"};
    return all[c % std::size(all)];
}

void checkParses(const ShapingSite& site, const Document& doc, const std::string& text,
                 const char* what) {
    if (!doc.syntax() || text.empty()) return;
    FUZZ_CHECK(site.parser().check(text).clean, what);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    silenceLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input = asText(data, size);
    if (input.size() < 2) return 0;
    const char* languageId = languageFor(static_cast<unsigned char>(input[0]));
    const bool chat = input[1] & 1;
    input.remove_prefix(2);
    const size_t nul = input.find('\0');
    // Documents and replies reach shaping through JSON, so as UTF-8: bytes that are not
    // become U+FFFD here too.
    std::string text = utf8Excerpt(input.substr(0, nul));
    const std::string replyText =
        nul == std::string_view::npos ? std::string() : utf8Excerpt(input.substr(nul + 1));
    const std::string_view reply = replyText;
    size_t offset = std::min(text.find('\x01'), text.size());
    if (offset < text.size()) text.erase(offset, 1);

    Document doc("file:///fuzz/doc", languageId, 1, text);
    // An editor's cursor is at a character boundary and never between \r and \n.
    offset = doc.text().offsetAt(doc.text().positionAt(offset, PositionEncoding::Utf16),
                                 PositionEncoding::Utf16);
    const CompletionContext context = buildCompletionContext(doc, offset, {});
    const ShapingOptions options{.singleLine = wantsSingleLine(doc, offset, context),
                                 .fromChat = chat};
    const ShapingSite site(doc, offset, context, options);

    const std::string oneShot = shapeSuggestion(reply, site);
    checkParses(site, doc, oneShot, "a suggestion shaped in one go adds a syntax error");
    FUZZ_CHECK(wellFormedUtf8(oneShot), "a shaped suggestion is not UTF-8");

    std::string shown;
    size_t consumed = 0, cut = 0;
    for (std::string_view piece : chunks(reply, seedOf(input), 12)) {
        cut += piece.size();
        if (cut <= consumed) continue;
        // Streamed text arrives in whole characters (each delta is a decoded JSON string).
        consumed = cut;
        while (consumed < reply.size() &&
               (static_cast<unsigned char>(reply[consumed]) & 0xC0) == 0x80)
            ++consumed;
        const PartialSuggestion step = shapePartial(reply.substr(0, consumed), site, shown);
        FUZZ_CHECK(step.text.starts_with(shown),
                   "a streamed partial does not extend the one before");
        FUZZ_CHECK(wellFormedUtf8(step.text), "a streamed partial is not UTF-8");
        if (step.text != shown)
            checkParses(site, doc, step.text, "a streamed partial adds a syntax error");
        shown = step.text;
        if (step.settled) break;
    }
    const std::string final = shapeSuggestion(reply.substr(0, consumed), site, shown);
    if (!final.starts_with(shown) || !final.starts_with(oneShot))
        std::fprintf(stderr,
                     "shown:    [%s]\nfinal:    [%s]\none shot: [%s]\nconsumed %zu of %zu bytes\n",
                     shown.c_str(), final.c_str(), oneShot.c_str(), consumed, reply.size());
    FUZZ_CHECK(final.starts_with(shown), "the final suggestion does not extend the partials");
    // "Settled" is judged from where the unit the cursor is in ends; in a document that
    // already has syntax errors that comes from error recovery, which a longer reply
    // can move, so there a settled stream may end short of the whole reply's result
    // (it still only grew). Checked where the document parses cleanly.
    if (!doc.syntax() || !doc.syntax()->hasErrors())
        FUZZ_CHECK(final.starts_with(oneShot),
                   "the streamed final is shorter than the reply shaped in one go");
    checkParses(site, doc, final, "the streamed final suggestion adds a syntax error");
    FUZZ_CHECK(wellFormedUtf8(final), "the final suggestion is not UTF-8");
    return 0;
}
