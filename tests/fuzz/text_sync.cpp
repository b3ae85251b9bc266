// Position encodings and incremental sync (workspace/Text, workspace/Document): the
// input is an edit script (FuzzedDataProvider) applied as didChange would apply it,
// in UTF-8, UTF-16 or UTF-32 positions, to a document with or without a grammar.
// A plain reference model kept here (a string, lines split by a scan, characters
// decoded one at a time) must agree after every step:
//  - the text is the reference text; the line index equals one computed afresh;
//  - offsetAt (positions in or out of range) is the reference's offset and never
//    splits a character; positionAt agrees; offset → position → offset round-trips
//    at every character boundary; length() counts what the reference counts;
//  - the incrementally updated tree equals a fresh parse whenever the fresh parse
//    has no error (error recovery may depend on edit history; ARCHITECTURE.md);
//  - a document's definitions, kept incrementally, have the names and places a
//    fresh document finds (their kinds may lag: DefinitionCache.h);
//  - withInsertion gives the text with the insertion and the same tree rule.
#include "FuzzSupport.h"
#include "ReferenceText.h"
#include "workspace/Document.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <memory>
#include <string>
#include <tree_sitter/api.h>

using namespace flint;
using namespace flint::fuzz;

namespace {

// --- trees and definitions ----------------------------------------------------------

std::string sexp(const SyntaxTree& tree) {
    char* raw = ts_node_string(tree.root());
    std::string out(raw);
    free(raw);
    return out;
}

void checkTree(Document& doc, const std::string& why) {
    const SyntaxTree* tree = doc.parsedSyntax();
    if (!tree) return;
    Document fresh(doc.uri(), doc.languageId(), doc.version(), doc.text().str());
    if (fresh.syntax()->hasErrors()) return;
    FUZZ_CHECK(sexp(*tree) == sexp(*fresh.syntax()), why.c_str());
}

void checkDefinitions(Document& doc) {
    if (!doc.parsedSyntax()) return;
    Document fresh(doc.uri(), doc.languageId(), doc.version(), doc.text().str());
    if (fresh.syntax()->hasErrors() || sexp(*doc.parsedSyntax()) != sexp(*fresh.syntax())) return;
    const auto& kept = doc.definitions();
    const auto& found = fresh.definitions();
    FUZZ_CHECK(kept.size() == found.size(),
               "incremental definitions differ in number from a fresh pass");
    for (size_t i = 0; i < kept.size(); ++i) {
        FUZZ_CHECK(kept[i].name == found[i].name, "an incremental definition has a stale name");
        FUZZ_CHECK(kept[i].startByte == found[i].startByte && kept[i].endByte == found[i].endByte,
                   "an incremental definition is in the wrong place");
    }
}

// --- the checks after each step -----------------------------------------------------

void checkText(const Text& text, const ReferenceText& ref, FuzzedDataProvider& input) {
    FUZZ_CHECK(text.str() == ref.text, "the document text differs from the reference");
    FUZZ_CHECK(text.lineStarts() == ref.lineStarts(),
               "the line index differs from the reference's lines");
    FUZZ_CHECK(text.lineStarts() == Text::computeLineStarts(text.str()),
               "the incremental line index is stale");
    const auto boundary = ref.boundaries();
    for (PositionEncoding encoding :
         {PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32}) {
        FUZZ_CHECK(text.length(encoding) == ref.units(0, ref.text.size(), encoding),
                   "length() miscounts");
        // Every offset when the text is small; a sample otherwise.
        const size_t step = std::max<size_t>(1, ref.text.size() / 64);
        for (size_t offset = 0; offset <= ref.text.size(); offset += step) {
            const TextPosition p = text.positionAt(offset, encoding);
            FUZZ_CHECK(p == ref.positionAt(offset, encoding),
                       "positionAt differs from the reference");
            const size_t back = text.offsetAt(p, encoding);
            FUZZ_CHECK(boundary[back], "offsetAt split a character");
            const bool inContent = offset <= ref.lines()[p.line].contentEnd;
            if (boundary[offset] && inContent)
                FUZZ_CHECK(back == offset, "offset -> position -> offset does not round-trip");
        }
        for (int i = 0; i < 4 && input.remaining_bytes() > 0; ++i) {
            const TextPosition p{input.ConsumeIntegralInRange<uint32_t>(0, text.lineCount() + 1),
                                 input.ConsumeIntegralInRange<uint32_t>(0, 80)};
            const size_t offset = text.offsetAt(p, encoding);
            FUZZ_CHECK(offset == ref.offsetAt(p, encoding), "offsetAt differs from the reference");
            FUZZ_CHECK(boundary[offset], "offsetAt split a character");
        }
    }
}

std::string someText(FuzzedDataProvider& input, size_t max) {
    // Mostly valid UTF-8 with line ends of every kind; raw bytes now and then, which
    // Text must also handle (each invalid byte is one code unit).
    static const char* const pieces[] = {
        "\n",        "\r\n",  "\r", "é",  "😀",    "中",        "\t",    "    ",
        "(",         ")",     "{",  "}",  ":",    "def f(x):", "if x:", "return 1",
        "int f() {", "x = 1", ";",  "\"", "/*",   "*/",        "#",     "//",
        "'",         "a",     "b",  " ",  "\xC3", "\xF0\x9F"};
    std::string out;
    const size_t parts = input.ConsumeIntegralInRange<size_t>(0, max);
    for (size_t i = 0; i < parts && input.remaining_bytes() > 0; ++i) {
        if (input.ConsumeIntegralInRange<int>(0, 7) == 0)
            out += input.ConsumeBytesAsString(input.ConsumeIntegralInRange<size_t>(1, 4));
        else
            out += input.PickValueInArray(pieces);
    }
    return out;
}

TextPosition somePosition(FuzzedDataProvider& input, const Text& text) {
    // Mostly inside the text; sometimes past a line's end or past the last line.
    const uint32_t line = input.ConsumeIntegralInRange<uint32_t>(0, text.lineCount());
    const uint32_t width =
        line < text.lineCount() ? static_cast<uint32_t>(text.lineContent(line).size()) : 0;
    return {line, input.ConsumeIntegralInRange<uint32_t>(0, width + 2)};
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    silenceLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider input(data, size);
    static const char* const languages[] = {"plaintext", "python", "c", "javascript"};
    const std::string languageId = input.PickValueInArray(languages);
    const PositionEncoding encoding = input.PickValueInArray(
        {PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32});
    ReferenceText ref;
    ref.text = someText(input, 40);
    Document doc("file:///fuzz/doc", languageId, 1, ref.text);
    checkText(doc.text(), ref, input);

    int64_t version = 1;
    while (input.remaining_bytes() > 0) {
        std::vector<ContentChange> changes;
        const int count = input.ConsumeIntegralInRange<int>(1, 3);
        // Each change's range refers to the text after the previous one (LSP): track
        // the text as it will be, through a scratch copy.
        Text scratch(doc.text().str());
        for (int i = 0; i < count && input.remaining_bytes() > 0; ++i) {
            ContentChange change;
            if (input.ConsumeIntegralInRange<int>(0, 15) == 0) {
                change.text = someText(input, 40);
                ref.text = change.text;
                scratch = Text(change.text);
            } else {
                TextPosition a = somePosition(input, scratch), b = somePosition(input, scratch);
                if (b.line < a.line || (b.line == a.line && b.character < a.character))
                    std::swap(a, b);
                change.range = TextRange{a, b};
                change.text = someText(input, 6);
                const size_t start = ref.offsetAt(a, encoding), end = ref.offsetAt(b, encoding);
                FUZZ_CHECK(start <= end, "an ordered range maps to reversed offsets");
                ref.text.replace(start, end - start, change.text);
                scratch.replace(*change.range, encoding, change.text);
            }
            changes.push_back(std::move(change));
        }
        doc.applyChanges(changes, ++version, encoding);
        checkText(doc.text(), ref, input);

        // The costlier checks now and then (a fresh parse each), and once at the end.
        const int what = input.ConsumeIntegralInRange<int>(0, 7);
        if (what == 2) {
            checkTree(doc,
                      "the incrementally edited tree differs from a fresh parse of clean text");
        } else if (what == 0) {
            checkDefinitions(doc);
        } else if (what == 1) {
            const auto boundary = ref.boundaries();
            size_t at = input.ConsumeIntegralInRange<size_t>(0, ref.text.size());
            while (!boundary[at])
                --at;
            const std::string insertion = someText(input, 6);
            const std::unique_ptr<Document> copy = doc.withInsertion(at, insertion);
            std::string expected = ref.text;
            expected.insert(at, insertion);
            FUZZ_CHECK(copy->text().str() == expected, "withInsertion gave the wrong text");
            FUZZ_CHECK(doc.text().str() == ref.text, "withInsertion changed the original");
            checkTree(*copy, "withInsertion's tree differs from a fresh parse of clean text");
        }
    }
    checkTree(doc, "the incrementally edited tree differs from a fresh parse of clean text");
    return 0;
}
