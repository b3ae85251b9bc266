#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpora (tests/fuzz/corpus/<harness>/seed-*).

Seeds are small, real-looking inputs: framed LSP traffic, editor sessions as JSON-RPC
lines, model response bodies in every wire format, WebSocket frames, diff pairs from
tests/fixtures/nextedit/diff-cases.txt and shaping cases from tests/golden/shaping/.
The FuzzedDataProvider harnesses (session, text_sync) get seeded random bytes.
Crash reproducers kept in the corpus are named otherwise (crash-*, regression-*) and
are left alone. Run it after changing a seed's source; the output is checked in.
    python3 tests/fuzz/make_seeds.py
"""
import json
import pathlib
import random
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"


def write(harness, seeds):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        (folder / f"seed-{name}").write_bytes(data)


def frame(body):
    body = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def rpc(method, params=None, id=None):
    m = {"jsonrpc": "2.0"}
    if id is not None:
        m["id"] = id
    m["method"] = method
    if params is not None:
        m["params"] = params
    return json.dumps(m, ensure_ascii=False, separators=(",", ":"))


def pos(line, character):
    return {"line": line, "character": character}


# --- framing -----------------------------------------------------------------------
init = rpc("initialize", {"processId": None, "capabilities": {}}, 1)
write("framing", {
    "two-messages": frame(init) + frame(rpc("initialized", {})),
    "content-type": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}",
    "lowercase": b"content-length: 3\r\n\r\n[1]",
    "utf8-body": frame('{"text":"é😀中"}'),
    "no-length": b"Content-Type: x\r\n\r\n" + frame("{}"),
    "bad-length": b"Content-Length: abc\r\n\r\n" + frame("{}"),
    "absurd-length": b"Content-Length: 99999999999999999\r\n\r\n{\"x\":1}" + frame("{}"),
    "malformed-header": b"garbage line\r\n\r\n" + frame("{}"),
    "empty-body": b"Content-Length: 0\r\n\r\n" + frame("[]"),
    "nul-separated": b'{"a":1}\x00{"b":2}\x00',
    "invalid-utf8-header": b"Content-Length: 1\xc3\r\nX-\xff\xfe: y\r\n\r\n" + frame("{}"),
})

# --- dispatch: one JSON-RPC body per line --------------------------------------------
doc = "file:///nonexistent/w/a.py"
text = "import os\n\ndef area(r):\n    return 3.14 * r * r\n\ndef total(items):\n    s = 0\n    for i in items:\n        s += i\n    return s\n"
session = [
    rpc("initialize", {"processId": None, "capabilities": {
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {"inlineCompletion": {}, "codeAction": {"resolveSupport": {"properties": ["edit"]}}},
        "workspace": {"configuration": True}, "window": {"workDoneProgress": True}},
        "initializationOptions": {"inline": {"debounceMs": 0}}}, 1),
    rpc("initialized", {}),
    rpc("textDocument/didOpen", {"textDocument": {"uri": doc, "languageId": "python", "version": 1, "text": text}}),
    rpc("textDocument/didChange", {"textDocument": {"uri": doc, "version": 2}, "contentChanges": [
        {"range": {"start": pos(6, 9), "end": pos(6, 9)}, "text": "\n    "}]}),
    rpc("textDocument/inlineCompletion", {"textDocument": {"uri": doc, "version": 2}, "position": pos(7, 4),
                                          "context": {"triggerKind": 2}}, 2),
    rpc("$/cancelRequest", {"id": 2}),
    rpc("textDocument/inlineCompletion", {"textDocument": {"uri": doc}, "position": pos(3, 4),
                                          "context": {"triggerKind": 1}}, 3),
    rpc("textDocument/completion", {"textDocument": {"uri": doc}, "position": pos(3, 4)}, 4),
    rpc("textDocument/codeAction", {"textDocument": {"uri": doc}, "range": {"start": pos(2, 0), "end": pos(3, 10)},
                                    "context": {"diagnostics": [{"range": {"start": pos(3, 4), "end": pos(3, 10)},
                                                                 "message": "undefined name"}]}}, 5),
    rpc("flint/inlineEdit", {"textDocument": {"uri": doc, "version": 2}, "position": pos(3, 4)}, 6),
    rpc("flint/inspect", {"textDocument": {"uri": doc}, "position": pos(3, 4)}, 7),
    rpc("flint/stats", {}, 8),
    rpc("workspace/didChangeConfiguration", {"settings": {"flint": {"inline": {"prefetch": False}}}}),
    rpc("textDocument/didClose", {"textDocument": {"uri": doc}}),
    rpc("shutdown", None, 9),
    rpc("exit"),
]
utf8_session = [
    rpc("initialize", {"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}, "init"),
    rpc("initialized", {}),
    rpc("textDocument/didOpen", {"textDocument": {"uri": "file:///nonexistent/w/b.c", "languageId": "c", "version": 1,
                                                  "text": "int main(void) {\n    /* é😀 */\n    return 0;\n}\n"}}),
    rpc("textDocument/didChange", {"textDocument": {"uri": "file:///nonexistent/w/b.c", "version": 2}, "contentChanges": [
        {"range": {"start": pos(1, 7), "end": pos(1, 11)}, "text": "x"},
        {"range": {"start": pos(9, 0), "end": pos(9, 0)}, "text": "\r\n}"},
        {"text": "int f() {\r\n  return 1;\r}"}]}),
    rpc("textDocument/inlineCompletion", {"textDocument": {"uri": "file:///nonexistent/w/b.c"}, "position": pos(1, 2),
                                          "context": {"triggerKind": 1}}, "ic"),
    rpc("workspace/executeCommand", {"command": "flint.acceptCompletion", "arguments": ["1"]}, 3),
    rpc("textDocument/didShowCompletion", {"item": {"insertText": "x", "command": {"command": "flint.acceptCompletion", "arguments": ["1"]}}}),
    rpc("textDocument/didPartiallyAcceptCompletion", {"item": {"insertText": "xy", "command": {"arguments": ["1"]}}, "acceptedLength": 1}),
]
broken = [
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}',
    "{not json",
    "[1,2,3]",
    '{"id":5,"method":"flint/inspect"}',
    '{"jsonrpc":"2.0","id":{"x":1},"method":"shutdown"}',
    '{"jsonrpc":"2.0","id":6,"method":"textDocument/didOpen","params":7}',
    '{"jsonrpc":"2.0","id":1,"result":[{"inline":{"debounceMs":1e300,"cacheEntries":1e300,"prefetchPerMinute":-1}}]}',
    '{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"flint":{"inline":{"debounceMaxMs":1e300}}}}}',
    '{"jsonrpc":"2.0","id":2,"method":"workspace/executeCommand","params":{"command":"flint.runCodeAction","arguments":[{}]}}',
    '{"jsonrpc":"2.0","id":18446744073709551615,"method":"no/such"}',
]
write("dispatch", {
    "session": "\n".join(session) + "\n",
    "utf8-session": "\n".join(utf8_session) + "\n",
    "broken": "\n".join(broken) + "\n",
})

# --- the FuzzedDataProvider harnesses: seeded random bytes -----------------------------
rng = random.Random(20240611)
for harness in ("session", "text_sync"):
    write(harness, {f"random-{n}": bytes(rng.randrange(256) for _ in range(n)) for n in (16, 64, 256, 1024, 4096)})

# --- model streams ----------------------------------------------------------------------
def sse(data, event=None):
    return (f"event: {event}\n" if event else "") + f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


tokens = ["def", " f", "(x", "):\n", "    return", " x", " é😀"]
model = "fuzz-model"
write("model_stream", {
    "openai-chat": "".join(sse({"object": "chat.completion.chunk", "model": model,
                                "choices": [{"index": 0, "delta": {"content": t}, "finish_reason": None}]}) for t in tokens)
    + sse({"object": "chat.completion.chunk", "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    + "data: [DONE]\n\n",
    "openai-completions": "".join(sse({"object": "text_completion", "model": model,
                                       "choices": [{"index": 0, "text": t, "finish_reason": None}]}) for t in tokens)
    + sse({"object": "text_completion", "model": model, "choices": [{"index": 0, "text": "", "finish_reason": "length"}]}),
    "openai-responses": sse({"type": "response.created", "response": {"id": "r", "model": model}}, "response.created")
    + "".join(sse({"type": "response.output_text.delta", "delta": t}, "response.output_text.delta") for t in tokens)
    + sse({"type": "response.completed", "response": {"id": "r", "model": model, "status": "completed"}}, "response.completed"),
    "llama-infill": "".join(sse({"index": 0, "content": t, "stop": False}) for t in tokens)
    + sse({"index": 0, "content": "", "stop": True, "model": model, "stop_type": "eos",
           "timings": {"prompt_n": 12, "cache_n": 400, "predicted_n": 7, "prompt_ms": 1.5, "predicted_ms": 8.25}}),
    "ollama": "".join(json.dumps({"model": model, "response": t, "done": False}, ensure_ascii=False) + "\n" for t in tokens)
    + json.dumps({"model": model, "response": "", "done": True, "done_reason": "stop"}) + "\n",
    "sse-fields": "\ufeff: keep-alive\r\nid: 7\r\nretry: 3000\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\ndata\n\nid\x00: y\n\n",
    "errors": sse({"error": {"message": "rate limited", "type": "rate_limit"}}) + "data: {this is not json\xc3\n\n",
    "ollama-error": '{"error":"model not found"}\n{"response":"x"',
})

# --- WebSocket frames ---------------------------------------------------------------------
def ws(opcode, payload, fin=True, mask=None):
    payload = payload.encode() if isinstance(payload, str) else payload
    head = bytes([(0x80 if fin else 0) | opcode])
    bit = 0x80 if mask else 0
    n = len(payload)
    if n < 126:
        head += bytes([bit | n])
    elif n <= 0xFFFF:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += bytes(mask)
    return head + payload


delta = json.dumps({"type": "response.output_text.delta", "delta": "return x"})
write("websocket", {
    "text": ws(1, delta) + ws(1, json.dumps({"type": "response.completed"})),
    "fragmented-with-ping": ws(1, "hel", fin=False) + ws(9, "are you there") + ws(0, "lo é", fin=True),
    "close": ws(8, struct.pack(">H", 1000) + "bye".encode()),
    "long": ws(2, b"x" * 300),
    "masked": ws(1, "hello", mask=[1, 2, 3, 4]) + ws(10, "pong", mask=[9, 9, 9, 9]),
    "bad-utf8": ws(1, b"\xc3\x28"),
    "reserved-bits": b"\xf1\x01x",
    "roundtrip": b"\x02hello\x00\x06fragmented text \xc3\xa9\x00\x10binary\x00\x03\xe8goodbye",
    "roundtrip-long-reason": b"\x03text\x00\x03\xe8" + ("é" * 70).encode(),
})

# --- diff: pairs from the golden fixture ----------------------------------------------------
def diff_cases():
    cases, into, closed = [], None, False
    for line in (ROOT / "tests/fixtures/nextedit/diff-cases.txt").read_text().split("\n"):
        if line.startswith(";"):
            continue
        if line.startswith("=== "):
            cases.append({"name": line[4:], "before": "", "after": ""})
            into = None
        elif line in ("--- before", "--- after"):
            into, closed = line[4:], False
        elif into and not closed:
            if line.endswith("\\"):
                cases[-1][into] += line[:-1]
                closed = True
            else:
                cases[-1][into] += line + "\n"
    return cases


diffs = {}
for i, case in enumerate(diff_cases()[:12]):
    diffs[f"case-{i:02d}"] = case["before"] + "\0" + case["after"]
write("diff", diffs)

# --- shaping: golden cases ------------------------------------------------------------------
LANGUAGE_BYTE = {"python": "p", "c": "c", "cpp": "C", "javascript": "j", "typescript": "t", "go": "g",
                 "rust": "r", "java": "J", "bash": "s"}
shaping = {}
for path in sorted((ROOT / "tests/golden/shaping").glob("*/*.case")):
    language = path.parent.name
    if language not in LANGUAGE_BYTE:
        continue
    lines = path.read_text().split("\n")
    sections, current = {}, None
    for line in lines:
        if line.startswith("--- "):
            current = line[4:].strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
        elif line.startswith("from: chat"):
            sections["chat"] = True
    document = "\n".join(sections["document"]) + "\n"
    reply = "\n".join(sections["reply"]).rstrip("\n")
    flags = "1" if sections.get("chat") else "0"
    shaping[f"{language}-{path.stem}"] = LANGUAGE_BYTE[language] + flags + document.replace("<|cursor|>", "\x01") + "\0" + reply
write("shaping", shaping)
