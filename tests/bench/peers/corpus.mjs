// Generated inputs for the side-by-side benchmark, the same for every server: a Python
// file of any length (the shape of tests/bench/Corpus.h), and a typist's keystrokes as
// incremental didChange content changes.
//
//   const text = pythonFile(5000, 3);                 // 5,000 lines, names unique to file 3
//                                                     // (also cppFile, javascriptFile, goFile, rustFile)
//   const typist = new Typist(text);                  // types in the middle of the file
//   const { range, text: inserted } = typist.next();  // one keystroke's content change

export function pythonFile(lines, variant = 0) {
  const out = ["import os", "import sys", ""];
  for (let n = 0; out.length < lines; ++n) {
    const k = variant * 100000 + n;
    out.push(
      `class Widget${k}:`,
      `    """A widget with some state."""`,
      "",
      "    def __init__(self, size):",
      "        self.size = size",
      "        self.items = []",
      "",
      "    def grow(self, amount):",
      "        if amount > 0:",
      "            self.size += amount",
      "        return self.size",
      "",
      "    def describe(self):",
      "        return f'widget {self.size} with {len(self.items)} items'",
      "",
      "",
    );
  }
  return out.join("\n") + "\n";
}

export function cppFile(lines, variant = 0) {
  const out = ["#include <string>", "#include <vector>", "", "namespace app {", ""];
  for (let n = 0; out.length < lines; ++n) {
    const name = `Widget${variant * 100000 + n}`;
    out.push(
      `class ${name} {`,
      "public:",
      `    explicit ${name}(int size) : size_(size) {}`,
      "    int grow(int amount) {",
      "        if (amount > 0) size_ += amount;",
      "        return size_;",
      "    }",
      '    std::string describe() const { return "widget " + std::to_string(size_); }',
      "",
      "private:",
      "    int size_;",
      "    std::vector<int> items_;",
      "};",
      "",
    );
  }
  return out.join("\n") + "\n} // namespace app\n";
}

export function javascriptFile(lines, variant = 0) {
  const out = ['import { readFile } from "node:fs/promises";', ""];
  for (let n = 0; out.length < lines; ++n) {
    const name = `Widget${variant * 100000 + n}`;
    out.push(
      `export class ${name} {`,
      "  constructor(size) {",
      "    this.size = size;",
      "    this.items = [];",
      "  }",
      "",
      "  grow(amount) {",
      "    if (amount > 0) this.size += amount;",
      "    return this.size;",
      "  }",
      "}",
      "",
    );
  }
  return out.join("\n") + "\n";
}

export function goFile(lines, variant = 0) {
  const out = ["package app", "", 'import "fmt"', ""];
  for (let n = 0; out.length < lines; ++n) {
    const name = `Widget${variant * 100000 + n}`;
    out.push(
      `type ${name} struct {`,
      "\tsize  int",
      "\titems []int",
      "}",
      "",
      `func (w *${name}) Grow(amount int) int {`,
      "\tif amount > 0 {",
      "\t\tw.size += amount",
      "\t}",
      "\treturn w.size",
      "}",
      "",
      `func (w *${name}) Describe() string {`,
      '\treturn fmt.Sprintf("widget %d", w.size)',
      "}",
      "",
    );
  }
  return out.join("\n") + "\n";
}

export function rustFile(lines, variant = 0) {
  const out = ["use std::fmt;", ""];
  for (let n = 0; out.length < lines; ++n) {
    const name = `Widget${variant * 100000 + n}`;
    out.push(
      `pub struct ${name} {`,
      "    size: i64,",
      "    items: Vec<i64>,",
      "}",
      "",
      `impl ${name} {`,
      "    pub fn grow(&mut self, amount: i64) -> i64 {",
      "        if amount > 0 {",
      "            self.size += amount;",
      "        }",
      "        self.size",
      "    }",
      "}",
      "",
    );
  }
  return out.join("\n") + "\n";
}

/** The first line at or after the middle of `text` equal to `content`. */
export function middleLine(text, content) {
  const lines = text.split("\n");
  for (let i = Math.floor(lines.length / 2); i < lines.length; ++i) if (lines[i] === content) return i;
  throw new Error(`no line ${JSON.stringify(content)} in the second half of the text`);
}

const pos = (line, character) => ({ line, character });

/**
 * Keystrokes in the middle of a file, forever: Enter after `self.items = []` (with the
 * auto-indent an editor adds), a statement typed one character at a time, backspaces
 * until the line is empty again, and the line joined back. Every one is a single
 * incremental change (ASCII only, so UTF-16 and UTF-8 columns agree).
 */
export class Typist {
  constructor(text, anchor = "        self.items = []", statement = "total = compute(alpha, beta) + 1") {
    this.line = middleLine(text, anchor);
    this.anchorEnd = anchor.length;
    this.indent = "        ";
    this.statement = statement;
    this.step = 0;
  }

  next() {
    const { line, anchorEnd, indent, statement } = this;
    const n = statement.length;
    const round = 2 * n + 2;
    const s = this.step++ % round;
    const at = indent.length;
    if (s === 0) return { range: { start: pos(line, anchorEnd), end: pos(line, anchorEnd) }, text: "\n" + indent };
    if (s <= n) return { range: { start: pos(line + 1, at + s - 1), end: pos(line + 1, at + s - 1) }, text: statement[s - 1] };
    if (s <= 2 * n) {
      const column = at + 2 * n - s + 1; // the character before the caret goes
      return { range: { start: pos(line + 1, column - 1), end: pos(line + 1, column) }, text: "" };
    }
    return { range: { start: pos(line, anchorEnd), end: pos(line + 1, at) }, text: "" };
  }
}
