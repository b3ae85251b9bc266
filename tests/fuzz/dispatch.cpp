// JSON-RPC dispatch (lsp/LanguageServer and every feature's handlers): the input is a
// client's messages, one JSON-RPC body per line, given to the real server one after
// another with the event loop's deferred work run between them. Seeds are editor
// sessions (initialize, didOpen, didChange, inlineCompletion, codeAction, cancel, ...);
// the dictionary holds the protocol's method and field names. An input whose first
// line is no initialize request gets a plain one first, so mutations reach the
// handlers behind it. Checks: ServerDriver.h (every message out is UTF-8 JSON-RPC,
// no request answered twice, no deferred work that never settles); sanitizers do
// the rest.
#include "ServerDriver.h"

using namespace flint::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    silenceLogging();
    isolateFromTheMachine();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input = asText(data, size);
    ServerDriver driver;
    const std::string_view first = input.substr(0, input.find('\n'));
    if (first.find("\"initialize\"") == std::string_view::npos)
        driver.receive(
            R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}})");
    while (!input.empty() && !driver.exited()) {
        const size_t end = std::min(input.find('\n'), input.size());
        driver.receive(input.substr(0, end));
        input.remove_prefix(std::min(end + 1, input.size()));
        driver.drain();
    }
    if (!driver.exited()) driver.server().onEndOfInput();
    FUZZ_CHECK(driver.exited(), "the server did not stop when its input ended");
    driver.drain();
    return 0;
}
