// The next-edit diff (suggest/Diff, suggest/StreamingDiff): the input is an original
// and a rewrite, separated by the first NUL byte (no NUL: the rewrite is empty).
// Checks, for diffText and for StreamingDiff fed the rewrite in random pieces:
//  - the edits applied to the original give the rewrite exactly;
//  - edits are sorted, inside the original, never overlap or touch;
//  - with UTF-8 texts, no edit splits a character and every edit's text is UTF-8;
//  - diffLines' hunks are whole lines, in order, and rebuild the rewrite;
//  - streamed edits only grow (a reported edit never changes) and never start
//    before the bytes already settled;
//  - identical texts give no edit.
#include "suggest/Diff.h"

#include "FuzzSupport.h"
#include "suggest/StreamingDiff.h"

using namespace flint;
using namespace flint::fuzz;

namespace {

void checkEdits(std::string_view before, std::string_view after,
                const std::vector<TextEdit>& edits) {
    for (size_t i = 0; i < edits.size(); ++i) {
        FUZZ_CHECK(edits[i].start <= edits[i].end && edits[i].end <= before.size(),
                   "an edit outside the original");
        if (i > 0)
            FUZZ_CHECK(edits[i].start > edits[i - 1].end,
                       "edits unsorted, overlapping or touching");
    }
    FUZZ_CHECK(applyEdits(before, edits) == after,
               "the edits do not turn the original into the rewrite");
    if (!wellFormedUtf8(before) || !wellFormedUtf8(after)) return;
    auto inside = [&](size_t at) {
        return at < before.size() && (static_cast<unsigned char>(before[at]) & 0xC0) == 0x80;
    };
    for (const TextEdit& e : edits) {
        FUZZ_CHECK(!inside(e.start) && !inside(e.end),
                   "an edit splits a character of the original");
        FUZZ_CHECK(wellFormedUtf8(e.text), "an edit's text splits a character of the rewrite");
    }
}

bool wholeLine(std::string_view text, size_t at) {
    return at == 0 || at == text.size() || text[at - 1] == '\n';
}

void checkHunks(std::string_view before, std::string_view after) {
    const std::vector<LineHunk> hunks = diffLines(before, after);
    std::string rebuilt;
    size_t oldAt = 0, newAt = 0;
    for (const LineHunk& h : hunks) {
        FUZZ_CHECK(h.oldStart >= oldAt && h.oldStart <= h.oldEnd && h.oldEnd <= before.size(),
                   "a hunk out of order");
        FUZZ_CHECK(h.newStart >= newAt && h.newStart <= h.newEnd && h.newEnd <= after.size(),
                   "a hunk out of order");
        FUZZ_CHECK(wholeLine(before, h.oldStart) && wholeLine(before, h.oldEnd),
                   "a hunk cuts a line of the original");
        FUZZ_CHECK(wholeLine(after, h.newStart) && wholeLine(after, h.newEnd),
                   "a hunk cuts a line of the rewrite");
        // Between hunks the texts are equal.
        FUZZ_CHECK(before.substr(oldAt, h.oldStart - oldAt) ==
                       after.substr(newAt, h.newStart - newAt),
                   "the text between hunks differs");
        rebuilt.append(before.substr(oldAt, h.oldStart - oldAt));
        rebuilt.append(after.substr(h.newStart, h.newEnd - h.newStart));
        oldAt = h.oldEnd;
        newAt = h.newEnd;
    }
    rebuilt.append(before.substr(oldAt));
    FUZZ_CHECK(rebuilt == after, "the hunks do not rebuild the rewrite");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = asText(data, size);
    const size_t nul = input.find('\0');
    const std::string_view before = input.substr(0, nul);
    const std::string_view after =
        nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

    const std::vector<TextEdit> full = diffText(before, after);
    checkEdits(before, after, full);
    FUZZ_CHECK(!diffText(before, before).size(), "identical texts gave edits");
    checkHunks(before, after);

    StreamingDiff diff{std::string(before)};
    std::vector<TextEdit> seen;
    size_t settled = 0;
    for (std::string_view piece : chunks(after, seedOf(input), 24)) {
        diff.append(piece);
        const std::vector<TextEdit>& now = diff.edits();
        FUZZ_CHECK(now.size() >= seen.size() && std::equal(seen.begin(), seen.end(), now.begin()),
                   "a streamed edit changed after it was reported");
        for (size_t i = seen.size(); i < now.size(); ++i)
            FUZZ_CHECK(now[i].start >= settled, "a new edit starts in bytes already settled");
        for (const TextEdit& e : now)
            FUZZ_CHECK(e.end <= diff.settledBytes(), "an edit reaches past the settled bytes");
        FUZZ_CHECK(diff.settledBytes() >= settled, "the settled bytes went back");
        settled = diff.settledBytes();
        seen = now;
    }
    diff.finish();
    FUZZ_CHECK(std::equal(seen.begin(), seen.end(), diff.edits().begin()),
               "finish() changed a reported edit");
    FUZZ_CHECK(diff.rewrite() == after, "the streaming diff lost some of the rewrite");
    checkEdits(before, after, diff.edits());
    if (before == after) FUZZ_CHECK(diff.edits().empty(), "identical texts gave streamed edits");
    return 0;
}
