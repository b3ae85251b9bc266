// Flint in a real VS Code (code-server in headless chromium), against the scripted
// model server. Each scenario asserts on the editor's DOM and on the saved file, and
// leaves a screenshot in build/e2e-artifacts/. Run by tests/e2e/run.sh (which installs
// code-server, packs the VSIX and sets the paths), itself run by scripts/test.sh.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { testApiKey } from "../support/test-secrets.mjs";
import { CodeServer, ModelServer, artifacts, closedPort, median, root, until } from "./harness.mjs";

const READY = /^Flint: ready/;
const SHAPE =
  "import math\n\nclass Shape:\n    def area(self, r):\n        total = 0\n        total = total + math.pi * r * r\n        return total\n";

describe("ghost text from a model", () => {
  let model;
  let vscode;

  before(async () => {
    model = await ModelServer.start();
    vscode = await CodeServer.start({
      name: "inline",
      files: {
        "add.py": "def add(a, b):\n    ",
        "total.py": "def total_of(xs):\n    ",
        "mul.py": "def mul(a, b):\n    ",
        "sub.py": "def sub(a, b):\n    ",
        "show.py": "def show(xs):\n    ",
        "shape.py": SHAPE,
        "latency.py": "values = []\nx",
      },
      settings: {
        "flint.provider.kind": "openai-chat",
        "flint.provider.endpoint": model.url,
        "flint.provider.model": "flint-scripted-model",
        "flint.trace.server": "verbose",
        // Each scenario counts the inline requests its keystrokes make: no speculative
        // next-suggestion requests (prefetch has its own engine tests) and no next-edit
        // requests (their own suite below) to the same model in between.
        "flint.inline.prefetch": false,
        "flint.nextEdit.enabled": false,
      },
    });
    await vscode.waitForStatus(READY);
  });

  after(async () => {
    await vscode?.stop();
    await model?.stop();
  });

  test("typing shows the model's suggestion; Tab accepts it; the file holds it", async () => {
    await model.script({ reply: "eturn a + b", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("add.py");
    await editor.type("r");
    await editor.ghostText((t) => t === "eturn a + b", "the ghost text 'eturn a + b'");
    await vscode.screenshot("1-ghost-text");
    await until("the show event sent to flint-lsp", () =>
      vscode.flintLog().includes("Sending notification 'textDocument/didShowCompletion'"),
    );
    await editor.press("Tab");
    // (A new suggestion may show at once after the accept: it is not in the file.)
    await editor.waitForFile("def add(a, b):\n    return a + b");
    await vscode.screenshot("1-accepted");
  });

  test("word-wise accept takes the next word and tells the server; Tab takes the rest", async () => {
    await model.script({ reply: "eturn a - b", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("sub.py");
    await editor.type("r");
    await editor.ghostText((t) => t === "eturn a - b", "the ghost text 'eturn a - b'");
    await editor.press("Control+ArrowRight");
    await editor.ghostText((t) => t === " a - b", "the rest after the accepted word");
    const log = await until("the partial accept sent to flint-lsp", () => {
      const m = /Sending notification 'textDocument\/didPartiallyAcceptCompletion'[^\n]*\n(?:[^\n]*\n)*?[^\n]*"acceptedLength": (\d+)/.exec(vscode.flintLog());
      return m ? m : false;
    });
    assert.equal(Number(log[1]), "eturn".length, "acceptedLength counts the accepted word");
    await vscode.screenshot("1-word-accepted");
    await editor.press("Tab");
    await editor.waitForFile("def sub(a, b):\n    return a - b");
  });

  test("line-wise accept (Ctrl+Alt+Right) takes the first line and tells the server, then the next", async () => {
    await model.script({ reply: "or x in xs:\n        print(x)", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const partials = () =>
      [...vscode.flintLog().matchAll(/Sending notification 'textDocument\/didPartiallyAcceptCompletion'[^\n]*\n(?:[^\n]*\n)*?[^\n]*"acceptedLength": (\d+)/g)];
    const before = partials().length;
    const editor = await vscode.open("show.py");
    await editor.type("f");
    await editor.ghostText((t) => t === "or x in xs:\n        print(x)", "the loop as ghost text");
    await editor.press("Control+Alt+ArrowRight");
    await editor.ghostText((t) => t.trim() === "print(x)" && !t.includes("for"), "the rest after the accepted line");
    const sent = await until("the partial accept sent to flint-lsp", () => (partials().length > before ? partials() : false));
    assert.equal(Number(sent[sent.length - 1][1]), "or x in xs:\n".length, "acceptedLength counts the accepted line");
    await vscode.screenshot("1-line-accepted");
    // The rest starts with more indentation than a tab: there VS Code's Tab indents
    // rather than accepts. The next line-wise accept takes it.
    await editor.press("Control+Alt+ArrowRight");
    await editor.waitForFile("def show(xs):\n    for x in xs:\n        print(x)");
  });

  test("a slow stream: the ghost text shows before the stream ends, and grows", async () => {
    // One statement over three lines (a for loop the user began with "f"): output shaping
    // keeps all of it, and shows a line once it is whole and parses.
    const reply = "or x in xs:\n        total += x\n        print(x)";
    // 4 characters a token: 8 tokens are the loop's first two lines (and a blank), then the stream waits.
    await model.script({ reply, ttftMs: 0, tokensPerSecond: 0, holdAfter: 8 });
    const before = (await model.requests()).length;
    const editor = await vscode.open("total.py");
    await editor.type("f");
    const early = await editor.ghostText((t) => t.startsWith("or x in xs:"), "the loop's first lines as ghost text");
    const held = (await model.requests()).slice(before);
    assert.ok(held.length >= 1, "the model was asked");
    assert.ok(held.every((r) => !r.completed), "the ghost text is visible while the model's stream is still open");
    assert.ok(!early.includes("print(x)"), `the held stream's tail is not shown yet: ${JSON.stringify(early)}`);
    await vscode.screenshot("2-streaming-first-line");
    await model.release();
    const grown = await editor.ghostText((t) => t.includes("print(x)"), "the ghost text to grow to the whole reply");
    assert.ok(grown.length > early.length, "the ghost text grew");
    await vscode.screenshot("2-streamed-whole");
    await editor.press("Tab");
    await editor.waitForFile("def total_of(xs):\n    for x in xs:\n        total += x\n        print(x)");
    // Requests made after the accept were held too: let them end.
    await model.script({ holdAfter: null });
    await model.release();
  });

  test("typing a character of the suggestion keeps it, with no new model request", async () => {
    await model.script({ reply: "eturn a * b", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("mul.py");
    const before = (await model.requests()).length;
    await editor.type("r");
    await editor.ghostText((t) => t === "eturn a * b", "the ghost text 'eturn a * b'");
    const asked = await until("the model's answer to end", async () => {
      const all = await model.requests();
      return all.slice(before).every((r) => r.completed || r.aborted) ? all.length : false;
    });
    await editor.type("e");
    // VS Code asks the extension again at the new position; wait until flint-lsp answered it.
    await until("the inline request after 'e' to be answered", () => /inline 2:7 v\d+/.test(vscode.flintLog()));
    assert.equal(await editor.ghost(), "turn a * b", "the rest of the suggestion is still shown");
    const all = await model.requests();
    assert.equal(all.length, asked,
      `typing through made no model request; after it: ${JSON.stringify(all.slice(asked).map((r) => r.body).join("\n---\n").slice(-1500))}`);
    await vscode.screenshot("3-typed-through");
    await editor.press("Tab");
    await editor.waitForFile("def mul(a, b):\n    return a * b");
  });

  test("a code action from Flint is offered, and applied from the model's rewrite", async () => {
    await model.script({ reply: "        total = total + math.pi * r ** 2\n", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("shape.py");
    const page = vscode.page;
    // Select "total = total + math.pi * r * r" (line 6).
    await editor.press("Control+Home");
    for (let i = 0; i < 5; i++) await editor.press("ArrowDown");
    await editor.press("End");
    await editor.press("Shift+Home");
    await editor.press("Control+.");
    const rewrite = page.locator(".action-widget .monaco-list-row", { hasText: "Rewrite the selection" });
    await rewrite.first().waitFor({ timeout: 60_000 });
    await vscode.screenshot("5-code-actions-offered");
    await rewrite.first().click();
    await editor.waitForFile(SHAPE.replace("math.pi * r * r", "math.pi * r ** 2"));
    await vscode.screenshot("5-code-action-applied");
  });

  test("keystroke to visible ghost text (figure, not an assertion)", async () => {
    await model.script({ reply: " = len(values)", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("latency.py");
    const page = vscode.page;
    // Times are taken in the page: the keydown event, the first mutation that shows the
    // typed letter (the baseline: VS Code echoing a keystroke, no Flint involved), and
    // the first that shows ghost text.
    await page.evaluate(() => {
      window.__flint = { key: 0, echo: 0, ghost: 0, letter: "" };
      window.addEventListener("keydown", (e) => (window.__flint = { key: performance.now(), echo: 0, ghost: 0, letter: e.key }), true);
      new MutationObserver(() => {
        const f = window.__flint;
        if (!f.key) return;
        const editor = document.querySelector(".editor-instance .monaco-editor");
        if (!f.echo) {
          const line = [...editor.querySelectorAll(".view-lines .view-line")].map((l) => l.textContent).find((t) => t.startsWith("x"));
          if (line && line.endsWith(f.letter)) f.echo = performance.now();
        }
        if (!f.ghost && editor.querySelector(".ghost-text-decoration")) f.ghost = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const samples = [];
    const echoes = [];
    const letters = "abcdefghijklmnopqrst"; // 20 samples: issue 9 asks for the median of at least 20
    // Each sample types one more letter on the same line: a new text, so a new model request.
    for (let i = 0; i < letters.length; i++) {
      await editor.type(letters[i]);
      await editor.ghostText((t) => t === " = len(values)", `ghost text for sample ${i + 1}`);
      const f = await until("the page's timestamps", () =>
        page.evaluate(() => (window.__flint.ghost && window.__flint.echo ? window.__flint : false)),
      );
      samples.push(f.ghost - f.key);
      echoes.push(f.echo - f.key);
      await editor.press("Escape");
      await editor.noGhostText();
    }
    const ms = samples.map((s) => s.toFixed(1)).join(", ");
    const ghost = median(samples);
    const echo = median(echoes);
    console.log(
      `figure: keystroke -> visible ghost text, instant scripted model: median ${ghost.toFixed(1)} ms over ${samples.length} (${ms})`,
    );
    console.log(
      `figure: baseline, keystroke -> the typed letter on screen: median ${echo.toFixed(1)} ms; ghost text after the echo: ${(ghost - echo).toFixed(1)} ms (ratio ${(ghost / echo).toFixed(2)})`,
    );
    await vscode.screenshot("latency");
    // For the side-by-side benchmark (tests/bench/peers/compare.mjs), which reads it back.
    fs.writeFileSync(
      path.join(artifacts, "latency.json"),
      JSON.stringify({ ghost_median_ms: ghost, echo_median_ms: echo, ghost_ms: samples, echo_ms: echoes, date: new Date().toISOString() }),
    );
  });
});

describe("model endpoint down", () => {
  let vscode;

  before(async () => {
    const port = await closedPort();
    vscode = await CodeServer.start({
      name: "down",
      files: { "down.py": "def sub(a, b):\n    " },
      settings: {
        "flint.provider.kind": "openai-chat",
        "flint.provider.endpoint": `http://127.0.0.1:${port}`,
        "flint.provider.firstTokenTimeoutMs": 2000,
        "flint.provider.maxRetries": 0,
      },
    });
  });

  after(async () => {
    await vscode?.stop();
  });

  test("the status bar shows the problem and the editor stays responsive", async () => {
    await vscode.waitForStatus(/^Flint: (ready|error)/);
    const editor = await vscode.open("down.py");
    await editor.type("r");
    const status = await vscode.waitForStatus(/^Flint: error/);
    assert.match(status, /^Flint: error — \S/, "the status carries the reason");
    console.log(`status bar: ${status}`);
    await vscode.page.locator('.statusbar-item[aria-label^="Flint: error"], .statusbar-item [aria-label^="Flint: error"]').first().hover();
    await vscode.page.getByText("Click for the Flint menu.").first().waitFor({ state: "visible", timeout: 60_000 });
    await vscode.screenshot("6-endpoint-down");
    await editor.type("eturn a - b");
    await until("the typed text on screen", async () => (await editor.currentLineText()).some((l) => l.includes("return a - b")));
    assert.equal(await editor.ghost(), "", "no ghost text from a model that is down");
    await editor.waitForFile("def sub(a, b):\n    return a - b");
    await vscode.screenshot("6-still-editing");
  });
});

// Next-edit suggestions from flint-lsp itself. Two scripted model servers: the
// default provider serves inline completion (it answers nothing, so no ghost text
// competes for Tab) and `flint.providers.edits` serves next-edit
// (`flint.features.nextEdit`), scripted with the region rewritten.
const API_KEY = testApiKey; // the suite's one fake key (tests/support/TestSecrets.h)
const AREA = 'def area(w, height):\n    """The area of a rectangle, in square units."""\n    assert height >= 0\n    return w * height\n';
const AREA_RENAMED = AREA.replaceAll("w,", "width,").replace("w * height", "width * height");

describe("next-edit suggestions from flint-lsp; the API key", () => {
  let inlineModel;
  let editModel;
  let vscode;

  before(async () => {
    inlineModel = await ModelServer.start();
    editModel = await ModelServer.start();
    await inlineModel.script({ reply: "", ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    vscode = await CodeServer.start({
      name: "nextedit",
      files: { "area.py": AREA },
      // The provider the key is for is the user's own: a workspace may not point a keyed provider elsewhere.
      userSettings: {
        "flint.provider.kind": "openai-chat",
        "flint.provider.endpoint": inlineModel.url,
        "flint.provider.model": "flint-scripted-model",
      },
      settings: {
        "flint.providers": { edits: { kind: "openai-chat", endpoint: editModel.url, model: "flint-scripted-model" } },
        "flint.features": { nextEdit: "edits" },
        "flint.trace.server": "verbose",
      },
    });
    await vscode.waitForStatus(READY);
  });

  after(async () => {
    await vscode?.stop();
    await inlineModel?.stop();
    await editModel?.stop();
  });

  test("renaming a parameter: the other use, away from the cursor, is drawn with a jump hint; Tab applies it", async () => {
    // The model's rewrite of the editable region (the whole function) with the rename carried through.
    await editModel.script({ reply: AREA_RENAMED, ttftMs: 0, tokensPerSecond: 0, holdAfter: null });
    const editor = await vscode.open("area.py");
    await editor.press("Control+Home");
    for (let i = 0; i < "def area(w".length; i++) await editor.press("ArrowRight");
    await editor.type("idth");
    await until("the typed rename on screen", async () =>
      (await editor.currentLineText()).some((l) => l.startsWith("def area(width, height):")),
    );
    // Once typing has stopped for the quiet time, the edit at line 4 is drawn for the last
    // version: "idth" after its kept "w", and at the cursor a hint saying where it is.
    const shown = await until("the edit at line 4 and its hint drawn for the last version", async () => {
      const log = vscode.flintLog();
      const versions = [...log.matchAll(/Sending notification 'textDocument\/didChange'\.\nParams: \{\n\s*"textDocument": \{\n[^\n]*\n\s*"version": (\d+)/g)];
      if (versions.length === 0 || !log.includes(`next edit v${versions.at(-1)[1]}: 1 hunk(s)\n`)) return false;
      const texts = await vscode.decorationTexts();
      return texts.includes("idth") && texts.some((t) => t.includes("Tab: edit at line 4")) ? texts : false;
    });
    assert.equal(shown.filter((t) => t === "idth").length, 1, `one edit left, at line 4: ${JSON.stringify(shown)}`);
    await vscode.screenshot("4-inline-edit-shown");
    await editor.press("Tab");
    await editor.waitForFile(AREA_RENAMED);
    await until("the accept command sent to flint-lsp", () =>
      /Sending request 'workspace\/executeCommand[^\n]*\n(?:[^\n]*\n)*?[^\n]*"flint\.acceptInlineEdit"/.test(vscode.flintLog()),
    );
    assert.match(vscode.flintLog(), /Sending notification 'textDocument\/didShowInlineEdit'/, "the show event was sent");
    await vscode.screenshot("4-inline-edit-accepted");

    // What the model was asked: next-edit went to its own provider, as a rewrite of the
    // region with the original region as the Predicted Output.
    const asked = await editModel.requests();
    assert.ok(asked.length >= 1, "the next-edit model was asked");
    for (const r of asked) {
      const body = JSON.parse(r.body);
      const region = body.prediction?.content;
      assert.equal(typeof region, "string", "the request carries a Predicted Output");
      // Asked while typing (the rename part way), or again after the accept.
      const typing = /^def area\(wi?d?t?h?, height\):\n/.test(region) && region.endsWith("    return w * height\n");
      assert.ok(typing || region === AREA_RENAMED, `the Predicted Output is the region as it was: ${JSON.stringify(region)}`);
      assert.ok(body.messages.at(-1).content.includes("<|editable_region_start|>"), "the prompt marks the region");
    }
    const inlineAsked = await inlineModel.requests();
    assert.ok(inlineAsked.every((r) => !("prediction" in JSON.parse(r.body))), "inline completion went to the default provider");
  });

  test("Set API Key: the key reaches the provider it is for, never a setting, a log, or another provider", async () => {
    const page = vscode.page;
    const starts = () => (vscode.flintLog().match(/Sending request 'initialize/g) ?? []).length;
    const before = starts();
    await page.keyboard.press("Control+Shift+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 60_000 });
    await input.fill(">Flint: Set API Key");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Set API Key" }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press("Enter");
    await page.locator('.quick-input-widget input[type="password"]').waitFor({ timeout: 60_000 });
    await page.keyboard.type(API_KEY);
    await page.keyboard.press("Enter");
    // A new key restarts flint-lsp with it in the environment (FLINT_API_KEY).
    await until("flint-lsp restarted", () => starts() > before);
    await vscode.waitForStatus(READY);
    // The next model request of the default provider carries it.
    const seen = (await inlineModel.requests()).length;
    const editor = await vscode.open("area.py");
    await editor.type("\n");
    const withKey = await until("an inline request with the key", async () =>
      (await inlineModel.requests()).slice(seen).find((r) => r.headers.authorization === `Bearer ${API_KEY}`),
    );
    assert.ok(withKey, "the default provider got the key");
    const leaked = (await editModel.requests()).filter((r) => JSON.stringify(r).includes(API_KEY));
    assert.equal(leaked.length, 0, "the next-edit provider (another endpoint) never got the key");
    const settingsFiles = [path.join(vscode.workspace, ".vscode/settings.json"), path.join(vscode.userData, "User/settings.json")];
    for (const file of settingsFiles) assert.ok(!fs.readFileSync(file, "utf8").includes(API_KEY), `the key is not in ${file}`);
    assert.ok(!vscode.flintLog().includes(API_KEY), "the key is not in the Flint log (nor in any LSP message it traces)");
  });
});
