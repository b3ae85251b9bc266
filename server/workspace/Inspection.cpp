#include "workspace/Inspection.h"

#include "workspace/Language.h"

namespace flint {

Inspection inspect(const Document& document, TextPosition position, PositionEncoding encoding) {
    const Text& text = document.text();
    Inspection result;
    result.version = document.version();
    result.languageId = document.languageId();
    result.lineCount = text.lineCount();
    result.length = text.length(encoding);
    result.byteLength = text.size();
    result.offset = text.offsetAt(position, encoding);
    result.position = text.positionAt(result.offset, encoding);
    if (const SyntaxTree* tree = document.syntax()) {
        const auto byte = static_cast<uint32_t>(result.offset);
        result.syntaxLanguage = std::string(tree->language().name());
        result.nodePath = tree->nodePath(byte);
        result.scopes = tree->scopesAt(byte, text.str());
        result.hasSyntaxErrors = tree->hasErrors();
    }
    return result;
}

} // namespace flint
