// flint/inspect {textDocument, position}: what Flint holds for a document at a
// position (version, language, sizes, syntax node path, enclosing scopes).
#include "lsp/ServerContext.h"

#include "workspace/Inspection.h"

namespace flint::lsp {

void registerInspect(ServerContext& ctx) {
    ctx.onRequest("flint/inspect", [&ctx](const json::value& params, Reply reply, CancellationToken) {
        TextDocumentPositionParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return reply.error(ErrorCode::InvalidParams, error);
        Document* doc = ctx.workspace.find(p.uri);
        if (!doc) return reply.error(ErrorCode::InvalidParams, "document is not open: " + p.uri);
        doc->parsedSyntax();  // report the tree for the current text, not a lagging one

        const Inspection inspection = inspect(*doc, p.position, ctx.encoding);
        const Text& text = doc->text();
        json::array nodePath;
        for (const std::string& type : inspection.nodePath) nodePath.emplace_back(type);
        json::array scopes;
        json::array scopeNames;
        for (const Scope& scope : inspection.scopes) {
            const TextRange range{text.positionAt(scope.startByte, ctx.encoding),
                                  text.positionAt(scope.endByte, ctx.encoding)};
            scopes.push_back(json::object{{"kind", scope.kind}, {"name", scope.name}, {"range", toJSON(range)}});
            if (!scope.name.empty()) scopeNames.emplace_back(scope.name);
        }
        reply.result(json::object{
            {"uri", doc->uri()},
            {"version", inspection.version},
            {"languageId", inspection.languageId},
            {"syntaxLanguage", inspection.syntaxLanguage.empty() ? json::value(nullptr)
                                                                 : json::value(inspection.syntaxLanguage)},
            {"lineCount", inspection.lineCount},
            {"length", inspection.length},
            {"byteLength", inspection.byteLength},
            {"positionEncoding", toString(ctx.encoding)},
            {"position", toJSON(inspection.position)},
            {"offset", inspection.offset},
            {"nodePath", std::move(nodePath)},
            {"scopes", std::move(scopes)},
            {"scopeNames", std::move(scopeNames)},
            {"hasSyntaxErrors", inspection.hasSyntaxErrors},
        });
    });
}

} // namespace flint::lsp
