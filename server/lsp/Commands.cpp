// workspace/executeCommand: one handler for every command the features register
// with ServerContext::addCommand (their names go out in executeCommandProvider).
#include "lsp/ServerContext.h"

namespace flint::lsp {

void registerCommands(ServerContext& ctx) {
    ctx.onRequest("workspace/executeCommand", [&ctx](const json::value& params, Reply reply, CancellationToken) {
        const json::object* p = params.if_object();
        const json::value* command = p ? p->if_contains("command") : nullptr;
        if (!command || !command->is_string())
            return reply.error(ErrorCode::InvalidParams, "params.command: expected a string");
        auto handler = ctx.commands.find(std::string_view(command->as_string()));
        if (handler == ctx.commands.end())
            return reply.error(ErrorCode::InvalidParams, "unknown command: " + std::string(command->as_string()));
        static const json::array kNone;
        const json::value* arguments = p->if_contains("arguments");
        if (arguments && !arguments->is_array() && !arguments->is_null())
            return reply.error(ErrorCode::InvalidParams, "params.arguments: expected an array");
        handler->second(arguments && arguments->is_array() ? arguments->as_array() : kNone, reply);
    });
}

} // namespace flint::lsp
