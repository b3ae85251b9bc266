#pragma once
// LSP protocol structures and their JSON mapping (fromJSON / toJSON beside each
// type, as clangd does). The core's own types (TextPosition, TextRange,
// ContentChange) are reused where they fit. A decoding failure names the field:
// "params.textDocument.version: expected an integer", for a -32602 reply.
//
//   DidOpenTextDocumentParams p;
//   std::string error;
//   if (!fromJSON(message.params, p, error)) return reply.error(InvalidParams, error);

#include "lsp/JsonRpc.h"
#include "workspace/Document.h"
#include "workspace/SyntaxTree.h"
#include "workspace/Text.h"

#include <optional>
#include <string>
#include <vector>

namespace flint::lsp {

struct TextDocumentItem {
    std::string uri;
    std::string languageId;
    int64_t version = 0;
    std::string text;
};

struct VersionedTextDocumentIdentifier {
    std::string uri;
    int64_t version = 0;
};

struct DidOpenTextDocumentParams {
    TextDocumentItem textDocument;
};

struct DidChangeTextDocumentParams {
    VersionedTextDocumentIdentifier textDocument;
    std::vector<ContentChange> contentChanges;
};

struct DidCloseTextDocumentParams {
    std::string uri;
};

struct DidSaveTextDocumentParams {
    std::string uri;
    std::optional<std::string> text;
};

struct TextDocumentPositionParams {
    std::string uri;
    TextPosition position;
};

struct CancelParams {
    json::value id;
};

struct ClientInfo {
    std::string name;
    std::string version;
};

// The parts of InitializeParams Flint acts on.
struct InitializeParams {
    std::optional<int64_t> processId;
    std::optional<ClientInfo> clientInfo;
    std::optional<std::string> rootUri;
    std::vector<std::string> workspaceFolders;   // URIs
    std::vector<std::string> positionEncodings;  // capabilities.general.positionEncodings
    bool workspaceConfiguration = false;         // capabilities.workspace.configuration
    bool workDoneProgress = false;               // capabilities.window.workDoneProgress
    bool inlineCompletion = false;               // capabilities.textDocument.inlineCompletion present
    bool watchedFilesDynamicRegistration = false;  // capabilities.workspace.didChangeWatchedFiles.dynamicRegistration
    json::value initializationOptions;
    json::value capabilities;  // the client's capabilities as sent, for features to look into
};

// A capability from the client's `capabilities` by its path ("textDocument.codeAction.
// resolveSupport"): null when any step is missing.
const json::value* clientCapability(const InitializeParams& client, std::string_view path);

bool fromJSON(const json::value& v, TextPosition& out, std::string& error, std::string_view path = "position");
bool fromJSON(const json::value& v, TextRange& out, std::string& error, std::string_view path = "range");
bool fromJSON(const json::value& v, DidOpenTextDocumentParams& out, std::string& error);
bool fromJSON(const json::value& v, DidChangeTextDocumentParams& out, std::string& error);
bool fromJSON(const json::value& v, DidCloseTextDocumentParams& out, std::string& error);
bool fromJSON(const json::value& v, DidSaveTextDocumentParams& out, std::string& error);
bool fromJSON(const json::value& v, TextDocumentPositionParams& out, std::string& error);
bool fromJSON(const json::value& v, CancelParams& out, std::string& error);
bool fromJSON(const json::value& v, InitializeParams& out, std::string& error);

json::value toJSON(const TextPosition& position);
json::value toJSON(const TextRange& range);

} // namespace flint::lsp
