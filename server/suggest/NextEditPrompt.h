#pragma once
// Next-edit prompts: the formats (data files under prompts/nextedit/, compiled in),
// rendering a NextEditContext into a ModelRequest in one of them, and reading the
// model's rewritten region back out of its streamed reply.
//
//   const NextEditFormat* format = findNextEditFormat(defaultNextEditFormat("openai-chat"));
//   ModelRequest request = buildNextEditRequest(context, *format, *wire, roots);
//   RewriteReader reader(*format);
//   diff.append(reader.feed(update.text));   // clean region text, complete lines only
//   diff.append(reader.finish());            // at the end of the stream
//
// A format file has a [format] section (key = value: `cursor` marker, optional
// `replyStart` / `replyEnd` markers around the region in the reply, `stop`
// sequences and `strip` markers, one per line; "\n" in a value is a newline), then templates (see
// suggest/RenderTemplate.h): [system] and [user] for chat models, or [prompt] for
// raw completion models, and an optional [prediction] (the Predicted Output sent
// with openai-chat). Each template section ends with its last line's newline
// removed. Lines starting with ';' before the first section are comments.

#include "context/NextEditContext.h"
#include "model/WireFormat.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct NextEditFormat {
    std::string name;
    std::string cursor;      // the cursor marker put into the region
    std::string replyStart;  // what precedes the region in the reply (skipped), if anything
    std::string replyEnd;    // what ends it, if anything
    std::vector<std::string> stop;
    std::vector<std::string> strip;  // markers a model may echo: removed, and a line of only them dropped
    std::string system, user;  // templates for chat models
    std::string prompt;        // template for raw completion models
    std::string prediction;    // template for the Predicted Output (openai-chat)
};

std::optional<NextEditFormat> parseNextEditFormat(std::string_view name, std::string_view source, std::string& error);
// The built-in formats by name: "chat", "zeta", "qwen" (null when unknown).
const NextEditFormat* findNextEditFormat(std::string_view name);
std::vector<std::string_view> nextEditFormatNames();
// The format used with a wire format when none is configured; empty when next-edit
// cannot work over it (llama-infill wraps every prompt in its own FIM tokens).
std::string_view defaultNextEditFormat(std::string_view wireKind);

// The unified-diff hunks of an edit event ("@@ -4,2 +4,2 @@" and its lines), with up
// to `contextLines` unchanged lines around each change; cut after `maxLines` lines.
std::string renderEventDiff(const EditEvent& event, size_t contextLines = 2, size_t maxLines = 40);
// A URI as the model should see it: relative to the workspace root that holds it.
std::string displayPath(std::string_view uri, std::span<const std::string> roots);

// The request for `context` in `format` over `wire`: system + user (chat) or the
// prompt as the prefix with an empty suffix (raw completion); the original region
// as the Predicted Output for openai-chat; the format's stops; greedy sampling; room
// for a rewrite somewhat longer than the region.
ModelRequest buildNextEditRequest(const NextEditContext& context, const NextEditFormat& format,
                                  const WireFormat& wire, std::span<const std::string> roots);

// Reads the rewritten region out of a streamed reply: skips up to `replyStart`,
// stops at `replyEnd` (or at a closing fence when the reply opened with one),
// removes cursor markers, and hands on complete lines only (the last line at
// finish()). A rewrite that is not empty always ends with a newline.
class RewriteReader {
public:
    explicit RewriteReader(const NextEditFormat& format);
    // Clean rewrite text that may be passed on now (complete lines).
    std::string feed(std::string_view raw);
    // The stream ended: the rest.
    std::string finish();
    // The reply's end marker (or closing fence) has been read: the rest is not needed.
    bool ended() const { return ended_; }
    // The region's text has begun (replyStart was found, or none is expected).
    bool started() const { return started_; }

private:
    std::string take(bool atEnd);
    std::string cleanLine(std::string_view line);

    const NextEditFormat& format_;
    std::string pending_;
    bool started_;
    bool ended_ = false;
    bool firstLine_ = true;
    bool fenced_ = false;
    bool emittedAny_ = false;
    bool lastEmittedNewline_ = false;
};

} // namespace flint
