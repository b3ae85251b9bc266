#include "lsp/Framing.h"

#include "support/Utf8.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace flint::lsp {

namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
constexpr std::string_view kLengthHeader = "content-length";

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Position of the first "Content-Length:" (any case), or npos. Not only at a line
// start: a message's header follows the previous body directly, with no line break.
size_t findHeaderStart(std::string_view s) {
    for (size_t i = 0; i + kLengthHeader.size() < s.size(); ++i) {
        if (equalsIgnoreCase(s.substr(i, kLengthHeader.size()), kLengthHeader) &&
            s[i + kLengthHeader.size()] == ':')
            return i;
    }
    return std::string_view::npos;
}

} // namespace

std::string frame(std::string_view payload) {
    std::string out = "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n";
    out.append(payload);
    return out;
}

void MessageReader::parseHeader(std::string_view header, std::vector<Event>& out) {
    bool haveLength = false;
    bool lengthValid = true;
    unsigned long long length = 0;
    while (!header.empty()) {
        const size_t eol = header.find("\r\n");
        std::string_view line = header.substr(0, eol);
        header = eol == std::string_view::npos ? std::string_view() : header.substr(eol + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            // Quoted into a JSON-RPC error: the bytes may be anything, the message must be UTF-8.
            out.push_back({Event::Kind::Error, "malformed header line: " + utf8Excerpt(line, 80)});
            state_ = State::Header;
            return;
        }
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (equalsIgnoreCase(name, kLengthHeader)) {
            haveLength = true;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
            lengthValid = ec == std::errc() && end == value.data() + value.size() && !value.empty();
        }
        // Content-Type (and any other header) is accepted and ignored: the body is UTF-8 JSON.
    }
    if (!haveLength || !lengthValid) {
        out.push_back({Event::Kind::Error, haveLength ? "Content-Length is not a number"
                                                      : "header block without Content-Length"});
        return;
    }
    if (length > limits_.skipLimit) {
        out.push_back({Event::Kind::Error, "Content-Length " + std::to_string(length) +
                                               " is not plausible; resynchronising on the next header"});
        state_ = State::Resync;
        return;
    }
    if (length == 0) {
        out.push_back({Event::Kind::Message, {}});
        return;
    }
    if (length > limits_.maxContentLength) {
        out.push_back({Event::Kind::Error, "message of " + std::to_string(length) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(limits_.maxContentLength) + "; skipped"});
        state_ = State::Skip;
        remaining_ = length;
        return;
    }
    state_ = State::Body;
    remaining_ = length;
}

void MessageReader::feed(std::string_view bytes, std::vector<Event>& out) {
    while (!bytes.empty()) {
        switch (state_) {
        case State::Header: {
            // The terminator may straddle two reads: search from a little before the new bytes.
            const size_t before = buffer_.size();
            const size_t end = (buffer_.append(bytes), buffer_.find(kHeaderEnd, before >= 3 ? before - 3 : 0));
            if (end == std::string::npos || end > limits_.maxHeaderBytes) {
                // Too long is decided on the block's length alone (its end found beyond the
                // limit, or not within it), never on how much of it one read brought.
                if (end != std::string::npos || buffer_.size() >= limits_.maxHeaderBytes + kHeaderEnd.size()) {
                    out.push_back({Event::Kind::Error, "header block too long"});
                    buffer_.erase(0, 1);  // make progress past this header's start
                    return resync(out);
                }
                return;
            }
            bytes.remove_prefix(end + kHeaderEnd.size() - before);
            const std::string header = buffer_.substr(0, end);
            buffer_.clear();
            if (header.find_first_not_of("\r\n") != std::string::npos) parseHeader(header, out);
            break;
        }
        case State::Body: {
            const size_t take = std::min(remaining_, bytes.size());
            if (buffer_.empty()) buffer_.reserve(remaining_);
            buffer_.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
            remaining_ -= take;
            if (remaining_ == 0) {
                out.push_back({Event::Kind::Message, std::move(buffer_)});
                buffer_.clear();
                state_ = State::Header;
            }
            break;
        }
        case State::Skip: {
            const size_t take = std::min(remaining_, bytes.size());
            bytes.remove_prefix(take);
            remaining_ -= take;
            if (remaining_ == 0) state_ = State::Header;
            break;
        }
        case State::Resync:
            buffer_.append(bytes);
            return resync(out);
        }
    }
}

void MessageReader::resync(std::vector<Event>& out) {
    state_ = State::Resync;
    const size_t start = findHeaderStart(buffer_);
    if (start == std::string::npos) {
        // Keep just enough to recognise a header split across reads.
        if (buffer_.size() > kLengthHeader.size())
            buffer_.erase(0, buffer_.size() - kLengthHeader.size());
        return;
    }
    std::string rest = buffer_.substr(start);
    buffer_.clear();
    state_ = State::Header;
    feed(rest, out);
}

} // namespace flint::lsp
