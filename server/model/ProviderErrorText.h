#pragma once
// What Flint quotes from a provider's failure (an error body, a streamed error event, a
// malformed event): one readable line, and never the API key. Some providers and
// proxies echo the Authorization header back in an error ("Incorrect API key provided:
// sk-..."), and those words end up in the log, the status line and a message: the key
// is cut out of them here, whole or in part. Pure.
//
//   std::string shown = providerErrorText(body, apiKey);   // for a non-200 response
//   std::string safe = withoutKey(update.error, apiKey);   // for any other provider text

#include <string>
#include <string_view>

namespace flint {

// The most useful line of an error body ({"error": {"message"}}, {"error": "..."},
// {"message"}, else the start of the text), with the key cut out.
std::string providerErrorText(const std::string& body, std::string_view apiKey);

// `text` with every piece of `apiKey` it holds replaced by "[redacted]": the whole
// key, and any run of 8 or more characters that also occurs in the key (a key cut
// off at the end of a shortened body, or a part of one). A key of fewer than 8
// characters is cut where it occurs whole. An empty key changes nothing.
std::string withoutKey(std::string text, std::string_view apiKey);

} // namespace flint
