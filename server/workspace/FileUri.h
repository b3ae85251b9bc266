#pragma once
// file:// URIs and the paths they name. Clients percent-encode differently (VS Code
// encodes ':' and '@', Neovim does not), so Flint compares files by decoded path.
//
//   pathFromFileUri("file:///home/me/a%20b.py");   // "/home/me/a b.py"
//   fileUriFromPath("/home/me/a b.py");            // "file:///home/me/a%20b.py"
//   relativePath("/home/me/proj/src/x.py", "/home/me/proj");  // "src/x.py"

#include <optional>
#include <string>
#include <string_view>

namespace flint {

// The path of a file:// URI (percent-decoded); nothing for other schemes, a host
// other than empty/localhost, or a malformed escape.
std::optional<std::string> pathFromFileUri(std::string_view uri);
// A file:// URI for an absolute path, encoding all but unreserved characters and '/'.
std::string fileUriFromPath(std::string_view path);
// `path` relative to `directory` if it is inside it, else `path` unchanged.
std::string_view relativePath(std::string_view path, std::string_view directory);

} // namespace flint
