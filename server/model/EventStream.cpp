#include "model/EventStream.h"

#include <charconv>

namespace flint {

namespace {
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
}

bool SseDecoder::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    if (failed_) return false;
    if (!started_) {
        // Strip a byte order mark at the very start, which may itself arrive split: the
        // bytes held so far and the new ones are judged together.
        const std::string probe = partial_ + std::string(bytes.substr(0, kByteOrderMark.size()));
        const size_t n = std::min(probe.size(), kByteOrderMark.size());
        if (probe.substr(0, n) != kByteOrderMark.substr(0, n)) {
            started_ = true;  // no mark: what is held begins the first line
        } else if (probe.size() < kByteOrderMark.size()) {
            partial_.append(bytes);
            return true;
        } else {
            bytes.remove_prefix(kByteOrderMark.size() - partial_.size());
            partial_.clear();
            started_ = true;
        }
    }
    while (!bytes.empty()) {
        if (afterCarriageReturn_) {
            afterCarriageReturn_ = false;
            if (bytes.front() == '\n') {
                bytes.remove_prefix(1);
                continue;
            }
        }
        const size_t end = bytes.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            if (partial_.size() + bytes.size() > maxEventBytes_) return !(failed_ = true);
            partial_.append(bytes);
            return true;
        }
        // A line over the limit fails the stream whether it came in one read or many.
        if (partial_.size() + end > maxEventBytes_) return !(failed_ = true);
        afterCarriageReturn_ = bytes[end] == '\r';
        if (partial_.empty()) {
            line(bytes.substr(0, end), out);
        } else {
            partial_.append(bytes.substr(0, end));
            line(partial_, out);
            partial_.clear();
        }
        bytes.remove_prefix(end + 1);
        if (data_.size() > maxEventBytes_) return !(failed_ = true);
    }
    return true;
}

void SseDecoder::line(std::string_view line, std::vector<SseEvent>& out) {
    if (line.empty()) {
        if (hasData_) {
            SseEvent event;
            event.type = type_.empty() ? "message" : std::move(type_);
            event.data = std::move(data_);
            event.id = lastId_;
            event.retry = retry_;
            out.push_back(std::move(event));
        }
        type_.clear();
        data_.clear();
        hasData_ = false;
        retry_.reset();
        return;
    }
    if (line.front() == ':') return;  // a comment (keep-alives are sent this way)
    const size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
        if (hasData_) data_ += '\n';
        data_.append(value);
        hasData_ = true;
    } else if (field == "event") {
        type_ = value;
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) lastId_ = value;
    } else if (field == "retry") {
        uint32_t ms = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (ec == std::errc() && end == value.data() + value.size() && !value.empty()) retry_ = ms;
    }
}

bool LineDecoder::feed(std::string_view bytes, std::vector<std::string>& out) {
    if (failed_) return false;
    while (!bytes.empty()) {
        const size_t end = bytes.find('\n');
        if (end == std::string_view::npos) {
            if (partial_.size() + bytes.size() > maxLineBytes_) return !(failed_ = true);
            partial_.append(bytes);
            return true;
        }
        if (partial_.size() + end > maxLineBytes_) return !(failed_ = true);
        partial_.append(bytes.substr(0, end));
        bytes.remove_prefix(end + 1);
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        // Blank as finish() judges it: JSON whitespace only (a stray "\r" too).
        if (partial_.find_first_not_of(" \t\r") != std::string::npos) out.push_back(std::move(partial_));
        partial_.clear();
    }
    return true;
}

void LineDecoder::finish(std::vector<std::string>& out) {
    if (!failed_ && partial_.find_first_not_of(" \t\r") != std::string::npos) out.push_back(std::move(partial_));
    partial_.clear();
}

} // namespace flint
