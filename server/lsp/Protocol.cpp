#include "lsp/Protocol.h"

namespace flint::lsp {

namespace {

// Reads the fields of one JSON object, remembering the first failure with its path.
class ObjectReader {
public:
    ObjectReader(const json::value& v, std::string_view path, std::string& error)
        : path_(path), error_(error) {
        object_ = v.if_object();
        if (!object_) fail("", "expected an object");
    }
    bool ok() const { return object_ && error_.empty(); }
    const json::value* find(std::string_view key) const {
        return object_ ? object_->if_contains(key) : nullptr;
    }
    std::string path(std::string_view key) const { return path_ + "." + std::string(key); }

    bool string(std::string_view key, std::string& out, bool required = true) {
        const json::value* v = find(key);
        if (!v || v->is_null()) return required ? fail(key, "missing") : true;
        if (!v->is_string()) return fail(key, "expected a string");
        out = std::string(v->as_string());
        return true;
    }
    bool integer(std::string_view key, int64_t& out, bool required = true) {
        const json::value* v = find(key);
        if (!v || v->is_null()) return required ? fail(key, "missing") : true;
        if (v->is_int64()) out = v->as_int64();
        else if (v->is_uint64() && v->as_uint64() <= uint64_t(INT64_MAX)) out = static_cast<int64_t>(v->as_uint64());
        else return fail(key, "expected an integer");
        return true;
    }
    bool unsignedInt(std::string_view key, uint32_t& out) {
        int64_t value = 0;
        if (!integer(key, value)) return false;
        if (value < 0 || value > int64_t(UINT32_MAX)) return fail(key, "expected a non-negative 32-bit integer");
        out = static_cast<uint32_t>(value);
        return true;
    }
    bool fail(std::string_view key, std::string_view what) {
        if (error_.empty()) error_ = (key.empty() ? path_ : path(key)) + ": " + std::string(what);
        return false;
    }

private:
    const json::object* object_ = nullptr;
    std::string path_;
    std::string& error_;
};

bool textDocumentUri(ObjectReader& params, std::string& uri, std::string& error) {
    const json::value* doc = params.find("textDocument");
    if (!doc) return params.fail("textDocument", "missing");
    ObjectReader r(*doc, params.path("textDocument"), error);
    return r.ok() && r.string("uri", uri);
}

} // namespace

bool fromJSON(const json::value& v, TextPosition& out, std::string& error, std::string_view path) {
    ObjectReader r(v, path, error);
    return r.ok() && r.unsignedInt("line", out.line) && r.unsignedInt("character", out.character);
}

bool fromJSON(const json::value& v, TextRange& out, std::string& error, std::string_view path) {
    ObjectReader r(v, path, error);
    if (!r.ok()) return false;
    const json::value* start = r.find("start");
    const json::value* end = r.find("end");
    if (!start) return r.fail("start", "missing");
    if (!end) return r.fail("end", "missing");
    return fromJSON(*start, out.start, error, r.path("start")) &&
           fromJSON(*end, out.end, error, r.path("end"));
}

bool fromJSON(const json::value& v, DidOpenTextDocumentParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok()) return false;
    const json::value* doc = params.find("textDocument");
    if (!doc) return params.fail("textDocument", "missing");
    ObjectReader r(*doc, "params.textDocument", error);
    TextDocumentItem& item = out.textDocument;
    return r.ok() && r.string("uri", item.uri) && r.string("languageId", item.languageId) &&
           r.integer("version", item.version) && r.string("text", item.text);
}

bool fromJSON(const json::value& v, DidChangeTextDocumentParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok()) return false;
    const json::value* doc = params.find("textDocument");
    if (!doc) return params.fail("textDocument", "missing");
    ObjectReader r(*doc, "params.textDocument", error);
    if (!r.ok() || !r.string("uri", out.textDocument.uri) || !r.integer("version", out.textDocument.version))
        return false;
    const json::value* changes = params.find("contentChanges");
    if (!changes || !changes->is_array()) return params.fail("contentChanges", "expected an array");
    size_t index = 0;
    for (const json::value& c : changes->as_array()) {
        const std::string path = "params.contentChanges[" + std::to_string(index++) + "]";
        ObjectReader change(c, path, error);
        ContentChange cc;
        if (!change.ok() || !change.string("text", cc.text)) return false;
        if (const json::value* range = change.find("range"); range && !range->is_null()) {
            TextRange parsed;
            if (!fromJSON(*range, parsed, error, path + ".range")) return false;
            cc.range = parsed;
        }
        out.contentChanges.push_back(std::move(cc));
    }
    return true;
}

bool fromJSON(const json::value& v, DidCloseTextDocumentParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    return params.ok() && textDocumentUri(params, out.uri, error);
}

bool fromJSON(const json::value& v, DidSaveTextDocumentParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok() || !textDocumentUri(params, out.uri, error)) return false;
    std::string text;
    if (params.find("text")) {
        if (!params.string("text", text, false)) return false;
        out.text = std::move(text);
    }
    return true;
}

bool fromJSON(const json::value& v, TextDocumentPositionParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok() || !textDocumentUri(params, out.uri, error)) return false;
    const json::value* position = params.find("position");
    if (!position) return params.fail("position", "missing");
    return fromJSON(*position, out.position, error, "params.position");
}

bool fromJSON(const json::value& v, CancelParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok()) return false;
    const json::value* id = params.find("id");
    if (!id || !(id->is_int64() || id->is_uint64() || id->is_string()))
        return params.fail("id", "expected an integer or a string");
    out.id = *id;
    return true;
}

const json::value* clientCapability(const InitializeParams& client, std::string_view path) {
    const json::value* at = &client.capabilities;
    while (!path.empty()) {
        const size_t dot = path.find('.');
        const std::string_view step = path.substr(0, dot);
        const json::object* object = at->if_object();
        if (!object) return nullptr;
        at = object->if_contains(step);
        if (!at) return nullptr;
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    return at;
}

bool fromJSON(const json::value& v, InitializeParams& out, std::string& error) {
    ObjectReader params(v, "params", error);
    if (!params.ok()) return false;
    if (const json::value* pid = params.find("processId"); pid && !pid->is_null()) {
        int64_t value = 0;
        if (!params.integer("processId", value)) return false;
        out.processId = value;
    }
    if (const json::value* info = params.find("clientInfo"); info && !info->is_null()) {
        ObjectReader r(*info, "params.clientInfo", error);
        ClientInfo client;
        if (!r.ok() || !r.string("name", client.name) || !r.string("version", client.version, false)) return false;
        out.clientInfo = std::move(client);
    }
    std::string rootUri;
    if (!params.string("rootUri", rootUri, false)) return false;
    if (!rootUri.empty()) out.rootUri = std::move(rootUri);
    if (const json::value* folders = params.find("workspaceFolders"); folders && folders->is_array()) {
        for (const json::value& folder : folders->as_array()) {
            std::string uri;
            ObjectReader r(folder, "params.workspaceFolders[]", error);
            if (!r.ok() || !r.string("uri", uri)) return false;
            out.workspaceFolders.push_back(std::move(uri));
        }
    }
    if (const json::value* options = params.find("initializationOptions")) out.initializationOptions = *options;

    const json::value* caps = params.find("capabilities");
    if (!caps || !caps->is_object()) return true;  // tolerated: a client with no capabilities
    out.capabilities = *caps;
    const json::object& c = caps->as_object();
    if (const json::value* general = c.if_contains("general"); general && general->is_object())
        if (const json::value* encodings = general->as_object().if_contains("positionEncodings");
            encodings && encodings->is_array())
            for (const json::value& e : encodings->as_array())
                if (e.is_string()) out.positionEncodings.emplace_back(e.as_string());
    if (const json::value* ws = c.if_contains("workspace"); ws && ws->is_object()) {
        if (const json::value* conf = ws->as_object().if_contains("configuration"); conf && conf->is_bool())
            out.workspaceConfiguration = conf->as_bool();
        if (const json::value* watched = ws->as_object().if_contains("didChangeWatchedFiles"); watched && watched->is_object())
            if (const json::value* dyn = watched->as_object().if_contains("dynamicRegistration"); dyn && dyn->is_bool())
                out.watchedFilesDynamicRegistration = dyn->as_bool();
    }
    if (const json::value* window = c.if_contains("window"); window && window->is_object())
        if (const json::value* wdp = window->as_object().if_contains("workDoneProgress"); wdp && wdp->is_bool())
            out.workDoneProgress = wdp->as_bool();
    if (const json::value* doc = c.if_contains("textDocument"); doc && doc->is_object())
        if (const json::value* inl = doc->as_object().if_contains("inlineCompletion"); inl && inl->is_object())
            out.inlineCompletion = true;
    return true;
}

json::value toJSON(const TextPosition& position) {
    return json::object{{"line", position.line}, {"character", position.character}};
}

json::value toJSON(const TextRange& range) {
    return json::object{{"start", toJSON(range.start)}, {"end", toJSON(range.end)}};
}

} // namespace flint::lsp
