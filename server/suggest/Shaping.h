#pragma once
// Output shaping for inline suggestions: what a model returned, made fit to show
// at the cursor. Pure functions of the suggestion and the context.
//
//   std::string shown = shapeSuggestion(raw, context, {.singleLine = true, .fromChat = true});
//
// Rules, in order: strip a markdown code fence around the whole reply (chat models
// add them); in single-line mode keep the first line; drop a tail that repeats the
// text after the cursor (the suffix); drop a result that is empty or only
// whitespace.

#include "context/CompletionContext.h"

#include <string>

namespace flint {

struct ShapingOptions {
    bool singleLine = false;  // the cursor has code after it on its line
    bool fromChat = false;    // the reply came from a chat model
};

// Single-line when the rest of the cursor's line holds more than closing punctuation.
bool wantsSingleLine(const CompletionContext& context);

std::string shapeSuggestion(std::string_view raw, const CompletionContext& context, const ShapingOptions& options);

// The part of a growing suggestion that is safe to show while it still streams:
// the same rules, but an unfinished fence line or trailing partial overlap is held back.
std::string shapePartial(std::string_view raw, const CompletionContext& context, const ShapingOptions& options);

} // namespace flint
