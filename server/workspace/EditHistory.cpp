#include "workspace/EditHistory.h"

#include <algorithm>

namespace flint {

namespace {

uint32_t lineEnd(const Text& text, uint32_t line) {
    return line + 1 < text.lineCount() ? text.lineStart(line + 1) : static_cast<uint32_t>(text.size());
}

} // namespace

EditHistory::EditHistory() : EditHistory(Limits{}) {}

EditHistory::EditHistory(Limits limits)
    : limits_(limits), clock_([] { return std::chrono::steady_clock::now(); }) {}

void EditHistory::record(const Text& before, uint32_t start, uint32_t end, std::string_view inserted) {
    const auto now = clock_();
    const std::string_view text = before.str();
    start = std::min<uint32_t>(start, static_cast<uint32_t>(text.size()));
    end = std::clamp<uint32_t>(end, start, static_cast<uint32_t>(text.size()));

    replacements_.push_back({start, std::string(text.substr(start, end - start)), std::string(inserted)});
    ++revision_;
    while (replacements_.size() > limits_.replacementsKept) replacements_.pop_front();
    lastChange_ = now;

    const uint32_t firstLine = before.lineOf(start), lastLine = before.lineOf(end);
    const uint32_t from = before.lineStart(firstLine), to = lineEnd(before, lastLine);
    const auto delta = static_cast<int64_t>(inserted.size()) - static_cast<int64_t>(end - start);

    if (open_) {
        const uint32_t openFirst = before.lineOf(open_->start);
        const uint32_t openLast = before.lineOf(open_->end > open_->start ? open_->end - 1 : open_->start);
        const bool nearLines = lastLine + limits_.groupLines >= openFirst && firstLine <= openLast + limits_.groupLines;
        const bool nearTime = now - open_->lastChange < limits_.groupTime;
        const bool small = open_->end - open_->start <= limits_.maxEventBytes;
        if (nearLines && nearTime && small) {
            // Lines the event grows over are unchanged since it began: take them from `before`.
            const uint32_t newStart = std::min(from, open_->start), newEnd = std::max(to, open_->end);
            open_->before = std::string(text.substr(newStart, open_->start - newStart)) + open_->before +
                            std::string(text.substr(open_->end, newEnd - open_->end));
            if (newStart < open_->start) open_->line = before.lineOf(newStart);
            open_->start = newStart;
            open_->end = static_cast<uint32_t>(newEnd + delta);
            open_->lastChange = now;
            return;
        }
        close(before);
    }
    open_ = OpenEvent{firstLine, std::string(text.substr(from, to - from)), from, static_cast<uint32_t>(to + delta), now};
}

EditEvent EditHistory::snapshot(const OpenEvent& open, const Text& text) const {
    constexpr uint32_t kContextLines = 2;
    EditEvent event;
    event.line = open.line;
    event.before = open.before;
    const size_t start = std::min<size_t>(open.start, text.size()), end = std::min<size_t>(open.end, text.size());
    event.after = std::string(text.str().substr(start, end - start));
    const uint32_t first = text.lineOf(start);
    const uint32_t from = first > kContextLines ? first - kContextLines : 0;
    event.above = std::string(text.str().substr(text.lineStart(from), start - text.lineStart(from)));
    if (end < text.size()) {
        const uint32_t next = text.lineOf(end);
        const uint32_t to = std::min(text.lineCount(), next + kContextLines);
        const size_t belowEnd = to < text.lineCount() ? text.lineStart(to) : text.size();
        event.below = std::string(text.str().substr(end, belowEnd - end));
    }
    event.lastChange = open.lastChange;
    return event;
}

void EditHistory::close(const Text& text) {
    if (!open_) return;
    EditEvent event = snapshot(*open_, text);
    open_.reset();
    // Typed and then undone: nothing to tell.
    if (event.before != event.after) push(std::move(event));
}

void EditHistory::push(EditEvent event) {
    closed_.push_back(std::move(event));
    while (closed_.size() > limits_.maxEvents) closed_.pop_front();
}

void EditHistory::markAccepted(std::string note, const Text& current) {
    close(current);
    EditEvent marker;
    marker.kind = EditEvent::Kind::Accepted;
    marker.line = 0;
    marker.note = std::move(note);
    marker.lastChange = clock_();
    push(std::move(marker));
}

std::vector<EditEvent> EditHistory::events(const Text& current) const {
    std::vector<EditEvent> out(closed_.begin(), closed_.end());
    if (open_) {
        EditEvent event = snapshot(*open_, current);
        if (event.before != event.after) out.push_back(std::move(event));
    }
    if (out.size() > limits_.maxEvents) out.erase(out.begin(), out.end() - static_cast<ptrdiff_t>(limits_.maxEvents));
    return out;
}

std::optional<std::vector<TextReplacement>> EditHistory::replacementsSince(uint64_t revision) const {
    if (revision > revision_) return std::nullopt;
    const uint64_t wanted = revision_ - revision;
    if (wanted > replacements_.size()) return std::nullopt;
    return std::vector<TextReplacement>(replacements_.end() - static_cast<ptrdiff_t>(wanted), replacements_.end());
}

} // namespace flint
