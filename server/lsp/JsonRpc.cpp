#include "lsp/JsonRpc.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace flint::lsp {

namespace {

bool isValidId(const json::value& id) { return id.is_int64() || id.is_uint64() || id.is_string(); }

RpcFailure invalid(json::value id, std::string message) {
    return {std::move(id), {ErrorCode::InvalidRequest, std::move(message), std::nullopt}};
}

} // namespace

std::variant<Message, RpcFailure> parseMessage(std::string_view payload) {
    boost::system::error_code ec;
    json::value value = json::parse(payload, ec);
    if (ec) return RpcFailure{nullptr, {ErrorCode::ParseError, "Parse error: " + ec.message(), std::nullopt}};
    if (!value.is_object()) return invalid(nullptr, "Invalid request: a message must be a JSON object");
    json::object& object = value.as_object();

    json::value id = nullptr;
    if (auto* found = object.if_contains("id")) id = *found;
    const json::value* jsonrpc = object.if_contains("jsonrpc");
    if (!jsonrpc || !jsonrpc->is_string() || jsonrpc->as_string() != "2.0")
        return invalid(isValidId(id) ? id : nullptr, "Invalid request: \"jsonrpc\" must be \"2.0\"");

    Message message;
    if (const json::value* method = object.if_contains("method")) {
        if (!method->is_string()) return invalid(isValidId(id) ? id : nullptr, "Invalid request: \"method\" must be a string");
        message.method = std::string(method->as_string());
        // "params": null is not JSON-RPC, but clients send it for parameterless methods.
        if (const json::value* params = object.if_contains("params"); params && !params->is_null()) {
            if (!params->is_object() && !params->is_array())
                return invalid(isValidId(id) ? id : nullptr, "Invalid request: \"params\" must be an object or an array");
            message.params = *params;
        }
        if (!object.contains("id")) {
            message.kind = Message::Kind::Notification;
            return message;
        }
        if (!isValidId(id)) return invalid(nullptr, "Invalid request: \"id\" must be an integer or a string");
        message.kind = Message::Kind::Request;
        message.id = std::move(id);
        return message;
    }

    // A response to one of our requests.
    if (!object.contains("id")) return invalid(nullptr, "Invalid request: neither \"method\" nor \"id\"");
    message.kind = Message::Kind::Response;
    message.id = std::move(id);
    if (const json::value* error = object.if_contains("error")) {
        ResponseError e;
        if (error->is_object()) {
            const json::object& eo = error->as_object();
            if (auto* code = eo.if_contains("code"); code && code->is_int64()) e.code = static_cast<int>(code->as_int64());
            if (auto* text = eo.if_contains("message"); text && text->is_string()) e.message = std::string(text->as_string());
            if (auto* data = eo.if_contains("data")) e.data = *data;
        }
        message.error = std::move(e);
    } else if (const json::value* result = object.if_contains("result")) {
        message.result = *result;
    } else {
        return invalid(nullptr, "Invalid response: neither \"result\" nor \"error\"");
    }
    return message;
}

std::string serializeResponse(const json::value& id, const json::value& result) {
    return json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string serializeError(const json::value& id, const ResponseError& error) {
    json::object e{{"code", error.code}, {"message", error.message}};
    if (error.data) e["data"] = *error.data;
    return json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}});
}

std::string serializeNotification(std::string_view method, const json::value& params) {
    json::object message{{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) message["params"] = params;
    return json::serialize(message);
}

std::string serializeRequest(const json::value& id, std::string_view method, const json::value& params) {
    json::object message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) message["params"] = params;
    return json::serialize(message);
}

std::string idKey(const json::value& id) { return json::serialize(id); }

} // namespace flint::lsp
