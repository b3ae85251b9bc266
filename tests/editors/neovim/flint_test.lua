-- Flint through Neovim's own LSP client, headless (Neovim 0.7+; Debian bookworm
-- ships 0.7.2, which has no inline-completion UI, so the request is made raw and the
-- item applied the way a client plugin would). Run by tests/editors/run.mjs, which
-- sets FLINT_LSP, FLINT_MODEL_PORT (the scripted model server) and FLINT_WORKDIR.
--
-- What it proves, on Neovim's real wire behaviour (UTF-16 positions, its own
-- incremental didChange, its answers to workspace/configuration):
--   * flint/status arrives and says "ready" for the configured model;
--   * edits made in the buffer reach Flint intact (flint/inspect agrees with the buffer);
--   * textDocument/inlineCompletion streams partials and answers an item whose range
--     is right in UTF-16 after non-ASCII text; applying it gives the expected line;
--   * a code action is listed, resolved by the model and applied as a WorkspaceEdit;
--   * a next edit is answered over textDocument/copilotInlineEdit for the buffer's
--     version, applied, and its accept command taken;
--   * shutdown and exit end the server with code 0.

local failures = {}
local function say(fmt, ...) io.stdout:write(string.format(fmt, ...) .. "\n") end
local function check(ok, what)
  say("%s %s", ok and "ok  " or "FAIL", what)
  if not ok then table.insert(failures, what) end
  return ok
end
local function finish()
  io.stdout:flush()
  vim.cmd(#failures == 0 and "qall!" or "cquit 1")
end

vim.cmd("filetype on")  -- so didOpen carries languageId "python", as in a real setup
local workdir = os.getenv("FLINT_WORKDIR")
local statuses, partials = {}, {}
local exited_with

local client_id = vim.lsp.start_client({
  name = "flint",
  cmd = { os.getenv("FLINT_LSP"), "--stdio", "--log-file", workdir .. "/flint.log", "--log-level", "trace" },
  root_dir = workdir,
  init_options = {
    provider = { kind = "openai-chat", endpoint = "http://127.0.0.1:" .. os.getenv("FLINT_MODEL_PORT") .. "/v1",
                 model = "scripted", apiKeyEnv = "FLINT_API_KEY" },
  },
  handlers = {
    ["flint/status"] = function(_, params) table.insert(statuses, params) end,
    ["flint/inlineCompletion/partial"] = function(_, params) table.insert(partials, params) end,
  },
  on_exit = function(code) exited_with = code end,
})
if not check(client_id ~= nil, "flint-lsp started") then return finish() end

vim.cmd("edit " .. workdir .. "/greet.py")
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
local client = vim.lsp.get_client_by_id(client_id)
if not check(vim.wait(15000, function() return client.initialized end, 10), "initialize answered") then
  return finish()
end

local function status_is(state)
  for _, s in ipairs(statuses) do
    if s.state == state then return s end
  end
end
check(vim.wait(15000, function() return status_is("ready") ~= nil end, 10), "flint/status says ready")
local ready = status_is("ready")
if ready then say("     status: %s (model %s)", ready.message, tostring(ready.model)) end

-- Edit the buffer the way a user would: Neovim sends these as incremental changes.
vim.api.nvim_buf_set_lines(buf, 0, 1, false, { "import os  # \u{00e9}dited" })
vim.api.nvim_buf_set_lines(buf, 5, 5, false, { "", "greet(\"w\u{00f6}rld\")" })

local function sync(method, params)
  local reply
  client.request(method, params, function(err, result) reply = { err = err, result = result } end, buf)
  vim.wait(15000, function() return reply ~= nil end, 5)
  return reply or { err = { message = "no reply to " .. method .. " within 15 s" } }
end

local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
end

-- The cursor goes at the end of the `message = ...` line (0-based line 3), after
-- `" + `, as in insert mode (normal mode would clamp it onto the last character).
local line = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
local _, line_utf16 = vim.str_utfindex(line)
local position = { line = 3, character = line_utf16 }

local inspected = sync("flint/inspect", { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position })
if check(inspected.result ~= nil, "flint/inspect answered") then
  local _, utf16 = vim.str_utfindex(buffer_text())
  check(inspected.result.length == utf16,
        string.format("Flint's text is the buffer's (%d UTF-16 units, buffer %d)", inspected.result.length, utf16))
  check(inspected.result.positionEncoding == "utf-16", "position encoding negotiated: utf-16")
  check(inspected.result.scopeNames and inspected.result.scopeNames[1] == "greet", "the cursor is inside greet()")
end

local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position,
                 context = { triggerKind = 1 } }
local answer = sync("textDocument/inlineCompletion", params)
local items = answer.result and answer.result.items or {}
if check(#items == 1, "one inline completion item") then
  local item = items[1]
  say("     item: %q at %d:%d (UTF-16)", item.insertText, item.range.start.line, item.range.start.character)
  check(item.range.start.character == position.character, "its range starts at the cursor in UTF-16")
  vim.lsp.util.apply_text_edits({ { range = item.range, newText = item.insertText } }, buf, client.offset_encoding)
  local applied = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
  say("     line after accepting: %s", applied)
  check(applied == line .. "name.upper()", "accepting it completes the line")
end
check(vim.wait(5000, function() return #partials > 0 and partials[#partials].done end, 5),
      "flint/inlineCompletion/partial streamed, ending with done")
say("     partials: %d, last %q from %s", #partials, partials[#partials] and partials[#partials].text or "",
    partials[#partials] and tostring(partials[#partials].model) or "?")

-- A code action: listed with no model call, resolved by the model, applied by Neovim.
local last_line = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]  -- "    return message"
local listed = sync("textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 4, character = 4 }, ["end"] = { line = 4, character = #last_line } },
  context = { diagnostics = {} },
})
local rewrite
for _, action in ipairs(listed.result or {}) do
  if action.data and action.data.action == "rewrite" then rewrite = action end
end
if check(rewrite ~= nil, "a rewrite action is offered for the selection") then
  say("     action: %s", rewrite.title)
  local resolved = sync("codeAction/resolve", rewrite)
  if check(resolved.result and resolved.result.edit ~= nil, "codeAction/resolve returns an edit") then
    vim.lsp.util.apply_workspace_edit(resolved.result.edit, client.offset_encoding)
    local rewritten = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
    say("     line after the action: %s", rewritten)
    check(rewritten == "    return message.strip()", "applying it rewrites the selected line")
  else
    say("     error: %s", vim.inspect(resolved.err))
  end
end

-- A next edit, asked by Copilot's method name as copilot-lsp and sidekick.nvim ask it:
-- `message` is renamed where it is assigned, and the model carries the rename to its use.
vim.api.nvim_buf_set_text(buf, 3, 4, 3, #"    message", { "msg" })
local version = vim.lsp.util.buf_versions[buf]
local next_edit = sync("textDocument/copilotInlineEdit", {
  textDocument = { uri = vim.uri_from_bufnr(buf), version = version },
  position = { line = 3, character = #"    msg" },
})
local edits = next_edit.result and next_edit.result.edits or {}
if check(#edits == 1, "textDocument/copilotInlineEdit answers one edit") then
  local edit = edits[1]
  say("     edit: %q at %d:%d-%d:%d, version %s", edit.text, edit.range.start.line, edit.range.start.character,
      edit.range["end"].line, edit.range["end"].character, tostring(edit.textDocument.version))
  check(edit.textDocument.version == version, "it is for the buffer's version")
  check(edit.range.start.line == 4 and edit.range["end"].line == 4, "it edits the line that uses the name")
  check(edit.command and edit.command.command == "flint.acceptInlineEdit", "it carries the accept command")
  vim.lsp.util.apply_text_edits({ { range = edit.range, newText = edit.text } }, buf, client.offset_encoding)
  local renamed = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
  say("     line after accepting: %s", renamed)
  check(renamed == "    return msg.strip()", "applying it carries the rename")
  local accepted = sync("workspace/executeCommand", edit.command)
  check(accepted.err == nil, "the accept command is taken")
else
  say("     answer: %s", vim.inspect(next_edit))
end

client.stop()
check(vim.wait(10000, function() return exited_with ~= nil end, 10), "the server exits after shutdown")
check(exited_with == 0, "with exit code 0 (got " .. tostring(exited_with) .. ")")
finish()
