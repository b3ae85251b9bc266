// Next-edit suggestions, drawn with decorations.
//
// After each change to the active document, this asks flint-lsp for the next edit
// (`flint/inlineEdit`, Copilot's `textDocument/copilotInlineEdit` shape:
// params {textDocument {uri, version}, position}, result {edits: [{text,
// textDocument {uri, version}, range, command}], complete, jump?}: the edits are
// the hunks of one suggestion; `complete: false` means more hunks are coming, so
// this asks again; `jump` is where the best hunk is). VS Code's own inline-edit UI is a
// proposed API a published extension cannot use, so the edit is drawn here: the
// text it removes struck through on a red background, the text it inserts after it
// in green, and, when the edit is not on the cursor's line, a hint at the cursor
// saying where it is. Tab applies it (the `flint.inlineEditVisible` context key
// enables the keybinding) as an edit checked against the document version it was
// made for; Escape, typing, or switching editors dismisses it.
//
// A server that does not know the method (-32601) is not asked again until it restarts.
import * as vscode from 'vscode';
import { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';

interface LspRange {
    start: { line: number; character: number };
    end: { line: number; character: number };
}
interface InlineEdit {
    text: string;
    textDocument: { uri: string; version: number };
    range: LspRange;
    command?: { title: string; command: string; arguments?: unknown[] };
}

const CONTEXT_KEY = 'flint.inlineEditVisible';
export const ACCEPT_INLINE_EDIT = 'flint.vscode.acceptInlineEdit';
export const DISMISS_INLINE_EDIT = 'flint.vscode.dismissInlineEdit';

interface InlineEditResult {
    edits?: InlineEdit[];
    complete?: boolean;
    jump?: { range: LspRange };
}

interface Shown {
    editor: vscode.TextEditor;
    version: number;
    edits: { edit: InlineEdit; range: vscode.Range }[];
}

// Asking again for the rest of an incomplete suggestion stops after this many answers.
const MAX_FOLLOW_UPS = 8;

export class InlineEdits implements StaticFeature, vscode.Disposable {
    private supported = true;
    private shown: Shown | undefined;
    private request: vscode.CancellationTokenSource | undefined;
    private scheduled = false;
    private applying = false;
    private readonly deleted = vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor('flint.inlineEdit.deletedBackground'),
        textDecoration: 'line-through',
    });
    private readonly inserted = vscode.window.createTextEditorDecorationType({
        after: {
            color: new vscode.ThemeColor('flint.inlineEdit.insertedForeground'),
            backgroundColor: new vscode.ThemeColor('flint.inlineEdit.insertedBackground'),
        },
    });
    private readonly hint = vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
        isWholeLine: true,
    });
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly client: () => LanguageClient | undefined,
        private readonly log: vscode.LogOutputChannel,
    ) {
        this.disposables.push(
            this.deleted,
            this.inserted,
            this.hint,
            vscode.commands.registerCommand(ACCEPT_INLINE_EDIT, () => this.accept()),
            vscode.commands.registerCommand(DISMISS_INLINE_EDIT, () => this.dismiss()),
            vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
            vscode.window.onDidChangeActiveTextEditor(() => this.dismiss()),
        );
    }

    // StaticFeature
    fillClientCapabilities(): void {}
    getState(): FeatureState {
        return { kind: 'static' };
    }
    initialize(): void {
        this.supported = true;
    }
    clear(): void {
        this.dismiss();
    }

    private documentChanged(e: vscode.TextDocumentChangeEvent): void {
        if (e.contentChanges.length === 0 || this.applying) return;
        if (this.shown && this.shown.editor.document === e.document) this.dismiss();
        const editor = vscode.window.activeTextEditor;
        if (!editor || editor.document !== e.document || !this.enabled()) return;
        // Several changes in one tick (multi-cursor, a formatter) ask once, after the last.
        if (this.scheduled) return;
        this.scheduled = true;
        setImmediate(() => {
            this.scheduled = false;
            void this.ask(editor);
        });
    }

    private enabled(): boolean {
        return this.supported && vscode.workspace.getConfiguration('flint').get<boolean>('nextEdit.enabled', true);
    }

    private async ask(editor: vscode.TextEditor, followUp = 0): Promise<void> {
        const client = this.client();
        if (!client || vscode.window.activeTextEditor !== editor) return;
        this.request?.cancel();
        const cts = (this.request = new vscode.CancellationTokenSource());
        const document = editor.document;
        const version = document.version;
        const params = {
            textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri), version },
            position: client.code2ProtocolConverter.asPosition(editor.selection.active),
        };
        let result: InlineEditResult | null;
        try {
            result = await client.sendRequest('flint/inlineEdit', params, cts.token);
        } catch (e) {
            if ((e as { code?: number }).code === -32601) {
                this.supported = false;
                this.log.info('flint-lsp does not offer next-edit suggestions (flint/inlineEdit)');
            } else if (!cts.token.isCancellationRequested) {
                this.log.warn(`next edit failed: ${e}`);
            }
            return;
        }
        if (cts.token.isCancellationRequested || document.version !== version || vscode.window.activeTextEditor !== editor)
            return;
        const edits = (result?.edits ?? []).filter(
            (e) => e.textDocument.version === version && e.textDocument.uri === params.textDocument.uri,
        );
        if (edits.length > 0) this.show(editor, version, edits, result?.jump?.range);
        this.log.debug(`next edit v${version}: ${edits.length} hunk(s)${result?.complete === false ? ', more coming' : ''}`);
        if (result?.complete === false && followUp < MAX_FOLLOW_UPS) void this.ask(editor, followUp + 1);
    }

    private show(editor: vscode.TextEditor, version: number, edits: InlineEdit[], jump: LspRange | undefined): void {
        const client = this.client();
        if (!client) return;
        const document = editor.document;
        const first = !this.shown || this.shown.version !== version;
        const deleted: vscode.DecorationOptions[] = [];
        const inserted: vscode.DecorationOptions[] = [];
        const shown: Shown = { editor, version, edits: [] };
        for (const edit of edits) {
            const range = client.protocol2CodeConverter.asRange(edit.range);
            const old = document.getText(range);
            if (old === edit.text) continue;
            shown.edits.push({ edit, range });
            // Draw only what changes: a rewrite of a word that keeps its first letters
            // should not strike them through.
            let head = 0;
            while (head < old.length && head < edit.text.length && old[head] === edit.text[head]) head++;
            let tail = 0;
            while (
                tail < old.length - head &&
                tail < edit.text.length - head &&
                old[old.length - 1 - tail] === edit.text[edit.text.length - 1 - tail]
            )
                tail++;
            const start = document.offsetAt(range.start);
            const removed = new vscode.Range(document.positionAt(start + head), document.positionAt(start + old.length - tail));
            const added = edit.text.slice(head, edit.text.length - tail);
            const hover = new vscode.MarkdownString('**Flint: suggested edit** (Tab to accept, Escape to dismiss)');
            hover.appendCodeblock(`- ${old.replace(/\n/g, '\n- ')}\n+ ${edit.text.replace(/\n/g, '\n+ ')}`, 'diff');
            if (!removed.isEmpty) deleted.push({ range: removed, hoverMessage: hover });
            if (added)
                inserted.push({
                    range: new vscode.Range(removed.end, removed.end),
                    hoverMessage: hover,
                    renderOptions: { after: { contentText: added.replace(/\r?\n/g, ' ⏎ ') } },
                });
        }
        if (shown.edits.length === 0) return;
        // The key first: once the edit is on screen, Tab must already accept it.
        this.shown = shown;
        void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
        editor.setDecorations(this.deleted, deleted);
        editor.setDecorations(this.inserted, inserted);
        const target = jump ? client.protocol2CodeConverter.asRange(jump) : shown.edits[0].range;
        const cursorLine = editor.selection.active.line;
        const away = target.start.line !== cursorLine && target.end.line !== cursorLine;
        editor.setDecorations(
            this.hint,
            away
                ? [
                      {
                          range: new vscode.Range(cursorLine, 0, cursorLine, 0),
                          renderOptions: { after: { contentText: `⇥ Tab: edit at line ${target.start.line + 1}` } },
                      },
                  ]
                : [],
        );
        if (first) void client.sendNotification('textDocument/didShowInlineEdit', { item: shown.edits[0].edit });
    }

    private async accept(): Promise<void> {
        const shown = this.shown;
        if (!shown) return;
        this.dismiss();
        const { editor, version, edits } = shown;
        if (editor.document.version !== version) return; // made for older text
        // Where the cursor goes: the end of the last hunk, in the text after all of them.
        const doc = editor.document;
        const sorted = [...edits].sort((a, b) => doc.offsetAt(a.range.start) - doc.offsetAt(b.range.start));
        const last = sorted[sorted.length - 1];
        const shift = sorted
            .slice(0, -1)
            .reduce((sum, { edit, range }) => sum + edit.text.length - (doc.offsetAt(range.end) - doc.offsetAt(range.start)), 0);
        const endOffset = doc.offsetAt(last.range.start) + shift + last.edit.text.length;
        const workspaceEdit = new vscode.WorkspaceEdit();
        for (const { edit, range } of edits) workspaceEdit.replace(doc.uri, range, edit.text);
        this.applying = true;
        let applied = false;
        try {
            applied = await vscode.workspace.applyEdit(workspaceEdit);
        } finally {
            this.applying = false;
        }
        if (!applied) return;
        const end = doc.positionAt(endOffset);
        editor.selection = new vscode.Selection(end, end);
        editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        const command = last.edit.command;
        if (command)
            void this.client()?.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments });
        // An accepted edit often has a follow-up (the next call site, the next use).
        if (this.enabled()) void this.ask(editor);
    }

    dismiss(): void {
        if (!this.shown) return;
        const { editor } = this.shown;
        this.shown = undefined;
        editor.setDecorations(this.deleted, []);
        editor.setDecorations(this.inserted, []);
        editor.setDecorations(this.hint, []);
        void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
    }

    dispose(): void {
        this.request?.cancel();
        this.dismiss();
        for (const d of this.disposables) d.dispose();
    }
}
