#pragma once
// A snapshot of what Flint holds for one document at one position: the text's
// shape, the syntax path and the enclosing scopes. It makes document and tree
// state observable to tests and to users debugging a setup (flint/inspect).
//
//   Inspection i = inspect(*workspace.find(uri), {3, 4}, PositionEncoding::Utf16);

#include "workspace/Document.h"

#include <string>
#include <vector>

namespace flint {

struct Inspection {
    int64_t version = 0;
    std::string languageId;
    std::string syntaxLanguage;  // empty: plain text
    uint32_t lineCount = 0;
    size_t length = 0;           // in the position encoding's code units
    size_t byteLength = 0;
    TextPosition position;       // the requested position, clamped to the text
    size_t offset = 0;           // its byte offset
    std::vector<std::string> nodePath;
    std::vector<Scope> scopes;   // outermost first
    bool hasSyntaxErrors = false;
};

Inspection inspect(const Document& document, TextPosition position, PositionEncoding encoding);

} // namespace flint
