#pragma once
// JSON-RPC 2.0 messages as LSP uses them: classify a payload into a request, a
// notification or a response, and build the replies. Included only by lsp/ sources.
//
//   auto parsed = parseMessage(payload);
//   if (auto* error = std::get_if<RpcFailure>(&parsed)) send(errorResponse(error->id, error->error));
//   else dispatch(std::get<Message>(parsed));

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace flint::lsp {

namespace json = boost::json;

namespace ErrorCode {
inline constexpr int ParseError = -32700;
inline constexpr int InvalidRequest = -32600;
inline constexpr int MethodNotFound = -32601;
inline constexpr int InvalidParams = -32602;
inline constexpr int InternalError = -32603;
inline constexpr int ServerNotInitialized = -32002;
inline constexpr int UnknownErrorCode = -32001;
inline constexpr int RequestFailed = -32803;
inline constexpr int ServerCancelled = -32802;
inline constexpr int ContentModified = -32801;
inline constexpr int RequestCancelled = -32800;
} // namespace ErrorCode

struct ResponseError {
    int code = ErrorCode::InternalError;
    std::string message;
    std::optional<json::value> data;
};

struct Message {
    enum class Kind { Request, Notification, Response };
    Kind kind = Kind::Notification;
    json::value id;          // requests and responses: an integer or a string
    std::string method;      // requests and notifications
    json::value params;      // null when absent
    json::value result;      // responses
    std::optional<ResponseError> error;  // error responses
};

// A payload that is not a usable message: the id is null unless it could be read.
struct RpcFailure {
    json::value id;
    ResponseError error;
};

std::variant<Message, RpcFailure> parseMessage(std::string_view payload);

std::string serializeResponse(const json::value& id, const json::value& result);
std::string serializeError(const json::value& id, const ResponseError& error);
std::string serializeNotification(std::string_view method, const json::value& params);
std::string serializeRequest(const json::value& id, std::string_view method, const json::value& params);

// A stable key for an id, distinguishing 1 from "1".
std::string idKey(const json::value& id);

} // namespace flint::lsp
