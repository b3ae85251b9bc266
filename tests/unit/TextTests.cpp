// Positions, encodings and the incremental line index.
#include "workspace/Text.h"

#include <catch2/catch.hpp>

#include <random>

using namespace flint;

namespace {
constexpr auto U8 = PositionEncoding::Utf8;
constexpr auto U16 = PositionEncoding::Utf16;
constexpr auto U32 = PositionEncoding::Utf32;
} // namespace

TEST_CASE("line index recognises LF, CRLF and lone CR") {
    Text text("a\nb\r\nc\rd");
    REQUIRE(text.lineCount() == 4);
    CHECK(text.lineContent(0) == "a");
    CHECK(text.lineContent(1) == "b");
    CHECK(text.lineContent(2) == "c");
    CHECK(text.lineContent(3) == "d");
    CHECK(Text("").lineCount() == 1);
    CHECK(Text("x\n").lineCount() == 2);
    CHECK(Text("x\r\n").lineContent(0) == "x");
    CHECK(Text("\r\n\r\n").lineCount() == 3);
}

TEST_CASE("UTF-16 positions count surrogate pairs as two units") {
    // "a😀b": 😀 is U+1F600, 4 bytes in UTF-8, 2 units in UTF-16, 1 in UTF-32.
    Text text("a\xF0\x9F\x98\x80" "b\n");
    CHECK(text.offsetAt({0, 1}, U16) == 1);
    CHECK(text.offsetAt({0, 3}, U16) == 5);
    CHECK(text.offsetAt({0, 4}, U16) == 6);
    CHECK(text.offsetAt({0, 2}, U32) == 5);
    CHECK(text.offsetAt({0, 5}, U8) == 5);
    CHECK(text.positionAt(5, U16) == TextPosition{0, 3});
    CHECK(text.positionAt(5, U32) == TextPosition{0, 2});
    CHECK(text.positionAt(5, U8) == TextPosition{0, 5});
    // A position inside the pair never splits the character: it stops before it.
    CHECK(text.offsetAt({0, 2}, U16) == 1);
    CHECK(text.length(U16) == 5);
    CHECK(text.length(U32) == 4);
    CHECK(text.length(U8) == 7);
}

TEST_CASE("BMP non-ASCII characters are one UTF-16 unit and several bytes") {
    Text text("h\xC3\xA9llo \xE4\xB8\x96\n");  // "héllo 世"
    CHECK(text.offsetAt({0, 2}, U16) == 3);
    CHECK(text.offsetAt({0, 7}, U16) == 10);
    CHECK(text.positionAt(10, U16) == TextPosition{0, 7});
}

TEST_CASE("positions past the end of a line or document are clamped") {
    Text text("ab\r\ncd");
    CHECK(text.offsetAt({0, 99}, U16) == 2);  // before the CRLF, not inside it
    CHECK(text.offsetAt({1, 99}, U16) == 6);
    CHECK(text.offsetAt({7, 0}, U16) == 6);
    CHECK(text.positionAt(3, U16) == TextPosition{0, 2});  // between \r and \n
    CHECK(text.positionAt(100, U16) == TextPosition{1, 2});
}

TEST_CASE("invalid UTF-8 bytes count one unit each") {
    Text text("a\xFF\xC3" "b");
    CHECK(text.length(U16) == 4);
    CHECK(text.offsetAt({0, 2}, U16) == 2);
    CHECK(text.positionAt(4, U16) == TextPosition{0, 4});
}

TEST_CASE("replace reports the byte edit tree-sitter needs") {
    Text text("abc\ndef\n");
    const ByteEdit edit = text.replace(TextRange{{0, 1}, {1, 2}}, U16, "XY\nZ");
    CHECK(text.str() == "aXY\nZf\n");
    CHECK(edit.startByte == 1);
    CHECK(edit.oldEndByte == 6);
    CHECK(edit.newEndByte == 5);
    CHECK(edit.startPoint == BytePoint{0, 1});
    CHECK(edit.oldEndPoint == BytePoint{1, 2});
    CHECK(edit.newEndPoint == BytePoint{1, 1});
}

TEST_CASE("edits at the boundaries of the text") {
    SECTION("insert into an empty document") {
        Text text;
        text.replace(TextRange{{0, 0}, {0, 0}}, U16, "x\ny");
        CHECK(text.str() == "x\ny");
        CHECK(text.lineCount() == 2);
    }
    SECTION("append at the end of the file") {
        Text text("a\n");
        text.replace(TextRange{{1, 0}, {1, 0}}, U16, "b");
        CHECK(text.str() == "a\nb");
        CHECK(text.lineContent(1) == "b");
    }
    SECTION("delete everything") {
        Text text("a\nb\nc");
        text.replace(TextRange{{0, 0}, {2, 1}}, U16, "");
        CHECK(text.str().empty());
        CHECK(text.lineCount() == 1);
    }
    SECTION("joining CR and LF makes one line break") {
        Text text("a\rb\nc");
        REQUIRE(text.lineCount() == 3);
        text.replace(2, 3, "");  // drop 'b': "\r\n" now
        CHECK(text.str() == "a\r\nc");
        CHECK(text.lineCount() == 2);
        CHECK(text.lineStarts() == Text::computeLineStarts(text.str()));
    }
    SECTION("splitting CRLF makes two line breaks") {
        Text text("a\r\nb");
        text.replace(2, 2, "x");
        CHECK(text.str() == "a\rx\nb");
        CHECK(text.lineCount() == 3);
    }
    SECTION("reversed range is ordered") {
        Text text("hello");
        text.replace(4, 1, "");
        CHECK(text.str() == "ho");
    }
}

TEST_CASE("incremental line index equals a fresh one after random edits") {
    std::mt19937 rng(GENERATE(1u, 2u, 3u, 4u, 5u));
    const std::vector<std::string> pieces = {"a", "\n", "\r", "\r\n", "xyz", "\xF0\x9F\x98\x80", "\xC3\xA9", "", "  ", "\n\n"};
    Text text("start\r\nof\rthe\ntext");
    std::string reference = text.str();
    for (int i = 0; i < 2000; ++i) {
        const size_t a = std::uniform_int_distribution<size_t>(0, reference.size())(rng);
        const size_t b = std::uniform_int_distribution<size_t>(a, std::min(reference.size(), a + 6))(rng);
        std::string insert;
        for (int k = std::uniform_int_distribution<int>(0, 3)(rng); k > 0; --k)
            insert += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
        text.replace(a, b, insert);
        reference.replace(a, b - a, insert);
        REQUIRE(text.str() == reference);
        REQUIRE(text.lineStarts() == Text::computeLineStarts(reference));
    }
}

TEST_CASE("positionAt and offsetAt round-trip at every character boundary") {
    const std::string s = "x\xF0\x9F\x98\x80y\r\n\xC3\xA9\rz\n\xE4\xB8\x96";
    Text text(s);
    for (auto encoding : {U8, U16, U32}) {
        for (size_t off = 0; off <= s.size(); ++off) {
            const bool boundary = off == s.size() || (static_cast<unsigned char>(s[off]) & 0xC0) != 0x80;
            const bool insideCrlf = off > 0 && s[off - 1] == '\r' && off < s.size() && s[off] == '\n';
            if (!boundary || insideCrlf) continue;
            INFO("offset " << off << " encoding " << toString(encoding));
            CHECK(text.offsetAt(text.positionAt(off, encoding), encoding) == off);
        }
    }
}

TEST_CASE("encoding names") {
    CHECK(parsePositionEncoding("utf-8") == U8);
    CHECK(parsePositionEncoding("utf-16") == U16);
    CHECK(parsePositionEncoding("utf-32") == U32);
    CHECK_FALSE(parsePositionEncoding("latin1"));
    CHECK(toString(U16) == "utf-16");
}
