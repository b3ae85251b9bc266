#pragma once
// The embedded default engine, for when no model is configured: it needs no
// network and suggests what followed the same code elsewhere in the open
// documents. The cursor line's text (at least 4 non-blank characters) is looked for
// at the start of other lines; what followed it there is proposed: the rest of the
// line, and in multi-line mode the deeper-indented lines of the block it opens,
// re-indented to the cursor's line. A candidate whose previous line also matches
// the cursor's previous line ranks first.
//
//   if (auto s = findWorkspaceMatch(workspace, document, offset, singleLine)) show(s->text);

#include <cstdint>
#include <optional>
#include <string>

namespace flint {

class Document;
class Workspace;

struct WorkspaceMatch {
    std::string text;
    std::string uri;    // where the matching code is
    uint32_t line = 0;  // its line there
};

std::optional<WorkspaceMatch> findWorkspaceMatch(const Workspace& workspace, const Document& document,
                                                 size_t offset, bool singleLine);

} // namespace flint
