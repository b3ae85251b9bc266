#include "suggest/NextEditPrompt.h"

#include "suggest/Diff.h"
#include "suggest/PromptFiles.h"
#include "suggest/RenderTemplate.h"
#include "suggest/Prompt.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace flint {

namespace {

std::string_view trimmed(std::string_view s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char next = s[++i];
            out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string_view> splitLinesKeepingEnds(std::string_view text) {
    std::vector<std::string_view> lines;
    for (size_t start = 0; start < text.size();) {
        const size_t eol = text.find('\n', start);
        const size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Formats

std::optional<NextEditFormat> parseNextEditFormat(std::string_view name, std::string_view source, std::string& error) {
    error.clear();
    NextEditFormat format;
    format.name = std::string(name);
    static const std::vector<std::string_view> kSections = {"[format]", "[system]", "[user]", "[prompt]", "[prediction]"};
    std::string section;
    std::map<std::string, std::string> bodies;
    for (std::string_view line : splitLinesKeepingEnds(source)) {
        const std::string_view bare = trimmed(line);
        if (std::find(kSections.begin(), kSections.end(), bare) != kSections.end() && line.starts_with("[")) {
            section = std::string(bare.substr(1, bare.size() - 2));
            if (bodies.contains(section)) {
                error = "section [" + section + "] appears twice";
                return std::nullopt;
            }
            bodies[section];
            continue;
        }
        if (section.empty()) {
            if (!bare.empty() && !bare.starts_with(";")) {
                error = "text before the first section: " + std::string(bare);
                return std::nullopt;
            }
            continue;
        }
        if (section != "format") {
            bodies[section] += line;
            continue;
        }
        if (bare.empty() || bare.starts_with(";")) continue;
        const size_t eq = bare.find('=');
        if (eq == std::string_view::npos) {
            error = "[format]: expected key = value: " + std::string(bare);
            return std::nullopt;
        }
        const std::string key(trimmed(bare.substr(0, eq)));
        std::string value = unescape(trimmed(bare.substr(eq + 1)));
        if (key == "cursor") format.cursor = std::move(value);
        else if (key == "replyStart") format.replyStart = std::move(value);
        else if (key == "replyEnd") format.replyEnd = std::move(value);
        else if (key == "stop") format.stop.push_back(std::move(value));
        else if (key == "strip") format.strip.push_back(std::move(value));
        else {
            error = "[format]: unknown key " + key;
            return std::nullopt;
        }
    }
    for (auto& [key, body] : bodies)
        if (key != "format" && body.ends_with('\n')) body.pop_back();
    format.system = std::string(trimmed(bodies["system"]));
    format.user = bodies["user"];
    format.prompt = bodies["prompt"];
    format.prediction = bodies["prediction"];
    if (format.cursor.empty()) error = "[format] needs a cursor marker";
    else if (format.prompt.empty() == format.user.empty()) error = "a format has either [user] (chat) or [prompt] (raw)";
    if (!error.empty()) return std::nullopt;
    for (const std::string* body : {&format.system, &format.user, &format.prompt, &format.prediction}) {
        renderTemplate(*body, TemplateValues{}, &error);
        if (!error.empty()) return std::nullopt;
    }
    return format;
}

namespace {

const std::map<std::string, NextEditFormat, std::less<>>& builtInFormats() {
    static const auto formats = [] {
        std::map<std::string, NextEditFormat, std::less<>> out;
        constexpr std::string_view kPrefix = "nextedit/";
        for (const PromptFile& file : promptFiles()) {
            if (!file.name.starts_with(kPrefix)) continue;
            const std::string_view name = file.name.substr(kPrefix.size());
            std::string error;
            if (auto format = parseNextEditFormat(name, file.text, error)) out.emplace(std::string(name), std::move(*format));
            else spdlog::error("prompts/{}.prompt: {}", file.name, error);
        }
        return out;
    }();
    return formats;
}

} // namespace

const NextEditFormat* findNextEditFormat(std::string_view name) {
    const auto& formats = builtInFormats();
    auto it = formats.find(name);
    return it == formats.end() ? nullptr : &it->second;
}

std::vector<std::string_view> nextEditFormatNames() {
    std::vector<std::string_view> names;
    for (const auto& [name, format] : builtInFormats()) names.push_back(name);
    return names;
}

std::string_view defaultNextEditFormat(std::string_view wireKind) {
    if (wireKind == "openai-chat" || wireKind == "openai-responses") return "chat";
    if (wireKind == "openai-completions" || wireKind == "ollama") return "zeta";
    return {};
}

// ---------------------------------------------------------------------------------------
// Rendering

std::string renderEventDiff(const EditEvent& event, size_t contextLines, size_t maxLines) {
    // Every line of the event tagged ' ', '-' or '+', from the line hunks.
    struct Line {
        char tag;
        std::string_view text;
    };
    std::vector<Line> script;
    const std::vector<std::string_view> above = splitLinesKeepingEnds(event.above);
    for (std::string_view line : above) script.push_back({' ', line});
    const std::vector<std::string_view> a = splitLinesKeepingEnds(event.before), b = splitLinesKeepingEnds(event.after);
    std::vector<size_t> aStart{0}, bStart{0};
    for (std::string_view line : a) aStart.push_back(aStart.back() + line.size());
    for (std::string_view line : b) bStart.push_back(bStart.back() + line.size());
    auto index = [](const std::vector<size_t>& starts, size_t byte) {
        return static_cast<size_t>(std::lower_bound(starts.begin(), starts.end(), byte) - starts.begin());
    };
    size_t i = 0;
    for (const LineHunk& hunk : diffLines(event.before, event.after)) {
        // Hunks cover whole lines: their byte offsets are line starts.
        for (const size_t first = index(aStart, hunk.oldStart); i < first; ++i) script.push_back({' ', a[i]});
        for (const size_t end = index(aStart, hunk.oldEnd); i < end; ++i) script.push_back({'-', a[i]});
        for (size_t k = index(bStart, hunk.newStart), end = index(bStart, hunk.newEnd); k < end; ++k)
            script.push_back({'+', b[k]});
    }
    for (; i < a.size(); ++i) script.push_back({' ', a[i]});
    for (std::string_view line : splitLinesKeepingEnds(event.below)) script.push_back({' ', line});

    std::string out;
    size_t emitted = 0;
    size_t at = 0;
    while (at < script.size()) {
        // The next change, and the run of changes close enough to share one hunk.
        size_t first = at;
        while (first < script.size() && script[first].tag == ' ') ++first;
        if (first == script.size()) break;
        size_t last = first;
        for (size_t k = first; k < script.size(); ++k) {
            if (script[k].tag != ' ') last = k;
            else if (k - last > 2 * contextLines) break;
        }
        const size_t from = first >= contextLines ? std::max(at, first - contextLines) : at;
        const size_t to = std::min(script.size(), last + 1 + contextLines);
        // Line numbers (1-based) of the hunk's first line on each side.
        size_t oldLine = event.line + 1 - above.size(), newLine = oldLine;
        for (size_t k = 0; k < from; ++k) {
            if (script[k].tag != '+') ++oldLine;
            if (script[k].tag != '-') ++newLine;
        }
        size_t oldCount = 0, newCount = 0;
        for (size_t k = from; k < to; ++k) {
            if (script[k].tag != '+') ++oldCount;
            if (script[k].tag != '-') ++newCount;
        }
        // An empty side names the line before it, as unified diffs do.
        out += "@@ -" + std::to_string(oldCount ? oldLine : oldLine - 1) + "," + std::to_string(oldCount) + " +" +
               std::to_string(newCount ? newLine : newLine - 1) + "," + std::to_string(newCount) + " @@\n";
        for (size_t k = from; k < to; ++k) {
            if (++emitted > maxLines) return out + "...\n";
            out += script[k].tag;
            out += script[k].text;
            if (!script[k].text.ends_with('\n')) out += '\n';
        }
        at = to;
    }
    return out;
}

std::string displayPath(std::string_view uri, std::span<const std::string> roots) {
    std::string_view best;
    for (const std::string& root : roots) {
        std::string_view r = root;
        while (r.ends_with('/')) r.remove_suffix(1);
        if (!r.empty() && uri.size() > r.size() && uri.starts_with(r) && uri[r.size()] == '/' && r.size() > best.size())
            best = r;
    }
    if (!best.empty()) return std::string(uri.substr(best.size() + 1));
    constexpr std::string_view kFile = "file://";
    if (uri.starts_with(kFile)) return std::string(uri.substr(kFile.size()));
    return std::string(uri);
}

ModelRequest buildNextEditRequest(const NextEditContext& context, const NextEditFormat& format, const WireFormat& wire,
                                  std::span<const std::string> roots) {
    TemplateValues values;
    values.set("path", displayPath(context.uri, roots));
    values.set("language", context.language);
    values.set("before", context.before);
    values.set("after", context.after);
    std::string region = context.regionText;
    region.insert(std::min(context.cursor, region.size()), format.cursor);
    if (!region.ends_with('\n')) region += '\n';  // the end marker goes on its own line
    values.set("region", std::move(region));
    values.set("regionPlain", context.regionText);
    values.set("startOfFile", context.startOfFile ? "yes" : "");
    values.set("endOfFile", context.endOfFile ? "yes" : "");
    std::string imports, scopes;
    for (const std::string& line : context.imports) imports += (imports.empty() ? "" : "\n") + line;
    for (const std::string& line : context.scopeSignatures) scopes += (scopes.empty() ? "  " : "\n  ") + line;
    values.set("importsText", std::move(imports));
    values.set("scopesText", std::move(scopes));
    for (const RelatedCode& related : context.related) {
        std::string text = related.text;
        while (text.ends_with('\n')) text.pop_back();
        values.add("related").set("path", displayPath(related.path, roots)).set("text", std::move(text));
    }
    for (const DocumentEditEvent& e : context.events) {
        TemplateValues& item = values.add("events");
        item.set("path", displayPath(e.uri, roots));
        if (e.event.kind == EditEvent::Kind::Accepted) item.set("accepted", e.event.note);
        else item.set("diff", renderEventDiff(e.event));
    }

    ModelRequest request;
    request.temperature = 0.0;
    request.stop = format.stop;
    // Room for the region rewritten and somewhat grown (~3 bytes a token).
    request.maxTokens = static_cast<int>(std::min<size_t>(4096, context.regionText.size() / 2 + 256));
    const bool chatWire = !isFillInTheMiddle(wire);
    if (!format.user.empty()) {
        const std::string system = renderTemplate(format.system, values);
        const std::string user = renderTemplate(format.user, values);
        if (chatWire) {
            request.system = system;
            request.user = user;
        } else {
            request.prefix = system + "\n\n" + user;
        }
    } else {
        const std::string prompt = renderTemplate(format.prompt, values);
        if (chatWire) request.user = prompt;
        else request.prefix = prompt;
    }
    if (wire.kind() == "openai-chat" && !format.prediction.empty())
        request.prediction = renderTemplate(format.prediction, values);
    return request;
}

// ---------------------------------------------------------------------------------------
// RewriteReader

RewriteReader::RewriteReader(const NextEditFormat& format) : format_(format), started_(format.replyStart.empty()) {}

std::string RewriteReader::cleanLine(std::string_view line) {
    std::string out(line);
    auto erase = [&out](const std::string& marker) {
        bool found = false;
        for (size_t at; !marker.empty() && (at = out.find(marker)) != std::string::npos; found = true)
            out.erase(at, marker.size());
        return found;
    };
    bool stripped = false;
    for (const std::string& marker : format_.strip) stripped = erase(marker) || stripped;
    if (stripped && trimmed(out).empty()) return {};  // the line held only an echoed marker
    erase(format_.cursor);
    return out;
}

std::string RewriteReader::take(bool atEnd) {
    std::string out;
    if (ended_) return out;
    if (!started_) {
        const size_t at = pending_.find(format_.replyStart);
        if (at == std::string::npos) return out;
        pending_.erase(0, at + format_.replyStart.size());
        started_ = true;
    }
    auto emit = [&](std::string line) {
        if (line.empty()) return;
        emittedAny_ = true;
        lastEmittedNewline_ = line.ends_with('\n');
        out += line;
    };
    for (;;) {
        const size_t eol = pending_.find('\n');
        if (!format_.replyEnd.empty()) {
            const size_t end = pending_.find(format_.replyEnd);
            if (end != std::string::npos && (eol == std::string::npos || end < eol)) {
                emit(cleanLine(std::string_view(pending_).substr(0, end)));
                ended_ = true;
                pending_.clear();
                break;
            }
        }
        if (eol == std::string::npos) break;
        const std::string line = pending_.substr(0, eol + 1);
        pending_.erase(0, eol + 1);
        // A chat model may wrap the region in a markdown fence despite being told not to.
        if (firstLine_) {
            firstLine_ = false;
            if (trimmed(line).starts_with("```")) {
                fenced_ = true;
                continue;
            }
        }
        if (fenced_ && trimmed(line) == "```") {
            ended_ = true;
            pending_.clear();
            break;
        }
        emit(cleanLine(line));
    }
    if (atEnd && !ended_ && !pending_.empty()) {
        if (!(fenced_ && trimmed(pending_) == "```")) emit(cleanLine(pending_));
        pending_.clear();
    }
    if (atEnd && emittedAny_ && !lastEmittedNewline_) {
        out += '\n';
        lastEmittedNewline_ = true;
    }
    return out;
}

std::string RewriteReader::feed(std::string_view raw) {
    pending_ += raw;
    return take(false);
}

std::string RewriteReader::finish() {
    std::string out = take(true);
    ended_ = true;
    return out;
}

} // namespace flint
