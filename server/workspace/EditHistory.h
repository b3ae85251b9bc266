#pragma once
// What the user recently changed in one document: the raw replacements, and the
// same changes grouped into a few events (what a next-edit prompt shows as diffs).
// Fed by Document::applyChanges, one replacement at a time, with the text as it
// was just before it; no I/O (the clock is injectable for tests).
//
//   EditHistory history;
//   history.record(textBefore, start, end, "total");       // before the text changes
//   for (const EditEvent& e : history.events(currentText)) render(e.before, e.after);
//   auto since = history.replacementsSince(revision);       // to follow the text
//
// Grouping (as Zed's edit prediction does): a replacement joins the open event when
// it lies within 8 lines of it and comes within 1 s of its last change; otherwise
// the open event is closed and a new one starts. Events cover whole lines: `before`
// is those lines as they were when the event began, `after` as they are now (for
// the open event) or were when it closed, with up to two unchanged lines around
// them for context. At most 6 events are kept, oldest
// dropped first. An accepted suggestion closes the open event and adds a marker
// event, so a model sees which change was its own.

#include "workspace/Text.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

// Bytes [start, start + removed.size()) of the text before it became `inserted`.
struct TextReplacement {
    uint32_t start = 0;
    std::string removed;
    std::string inserted;
    friend bool operator==(const TextReplacement&, const TextReplacement&) = default;
};

struct EditEvent {
    enum class Kind { Edit, Accepted };
    Kind kind = Kind::Edit;
    uint32_t line = 0;   // zero-based first line of the event (the same before and after)
    std::string before;  // Edit: whole lines as they were
    std::string after;   // Edit: the same lines as they are (or were when the event closed)
    std::string above;   // Edit: up to two unchanged lines before it (context for a diff)
    std::string below;   // Edit: up to two unchanged lines after it
    std::string note;    // Accepted: what was accepted ("next edit at line 12", ...)
    std::chrono::steady_clock::time_point lastChange;
};

class EditHistory {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    struct Limits {
        size_t maxEvents = 6;
        uint32_t groupLines = 8;
        std::chrono::milliseconds groupTime{1000};
        size_t maxEventBytes = 16 * 1024;   // a larger event (a paste) closes at once
        size_t replacementsKept = 256;      // raw replacements kept for followers
    };

    EditHistory();
    explicit EditHistory(Limits limits);

    void setClock(Clock clock) { clock_ = std::move(clock); }
    std::chrono::steady_clock::time_point now() const { return clock_(); }

    // Records replacing bytes [start, end) of `before` (the text just before the
    // change) with `inserted`. Call before the text changes.
    void record(const Text& before, uint32_t start, uint32_t end, std::string_view inserted);
    // The user accepted a suggestion (it was just applied): closes the open event and
    // adds a marker with `note`.
    void markAccepted(std::string note, const Text& current);

    // The events, oldest first; the open one's `after` read from `current`.
    std::vector<EditEvent> events(const Text& current) const;
    // When the user last changed the text (nothing: never since it was opened).
    std::optional<std::chrono::steady_clock::time_point> lastChange() const { return lastChange_; }

    // Replacements ever recorded: a follower remembers this number...
    uint64_t revision() const { return revision_; }
    // ...and later asks what happened since, in order. Nothing when some of those
    // replacements are no longer kept.
    std::optional<std::vector<TextReplacement>> replacementsSince(uint64_t revision) const;

private:
    struct OpenEvent {
        uint32_t line = 0;
        std::string before;  // whole lines as they were when the event began
        uint32_t start = 0;  // the event's lines in the current text: [start, end)
        uint32_t end = 0;
        std::chrono::steady_clock::time_point lastChange;
    };
    void close(const Text& text);
    EditEvent snapshot(const OpenEvent& open, const Text& text) const;
    void push(EditEvent event);

    Limits limits_;
    Clock clock_;
    std::deque<EditEvent> closed_;
    std::optional<OpenEvent> open_;
    std::optional<std::chrono::steady_clock::time_point> lastChange_;
    std::deque<TextReplacement> replacements_;
    uint64_t revision_ = 0;
};

} // namespace flint
