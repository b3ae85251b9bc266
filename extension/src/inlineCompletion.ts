// Streamed ghost text.
//
// flint-lsp answers textDocument/inlineCompletion as soon as the suggestion's first
// line is ready and keeps sending the whole suggestion so far as
// `flint/inlineCompletion/partial` notifications. VS Code's stable API has no way
// to grow a shown suggestion, so this feature holds the growing text per document
// (a Suggestion: the document version and position it was made for) and asks VS
// Code to fetch again (`editor.action.inlineSuggest.trigger`) when it grows. The
// fetch at the same position and version is answered from what is held, without a
// round trip, so the ghost text extends in place: nothing is hidden and redrawn.
//
// Feedback goes back in Copilot's shapes: `textDocument/didShowCompletion {item}`
// once per suggestion the editor was given, and
// `textDocument/didPartiallyAcceptCompletion {item, acceptedLength}` when part of it
// was inserted (accept next word / line). A full accept runs the item's command on
// the server, as the LSP says.
import * as vscode from 'vscode';
import { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';
import { StatusBar } from './status';

interface LspPosition {
    line: number;
    character: number;
}
interface LspRange {
    start: LspPosition;
    end: LspPosition;
}
interface LspCommand {
    title: string;
    command: string;
    arguments?: unknown[];
}
interface LspInlineCompletionItem {
    insertText: string | { kind: 'snippet'; value: string };
    filterText?: string;
    range?: LspRange;
    command?: LspCommand;
}
interface PartialParams {
    id: number | string;
    textDocument: { uri: string };
    range: LspRange;
    text: string;
    done: boolean;
    source: string;
    model?: string;
    error?: string;
    cancelled?: boolean;
}

/** One suggestion as the editor sees it: made for one document version at one position. */
class Suggestion {
    id: number | string | undefined;
    done = false;
    shownReported = false;
    accepted = 0; // UTF-16 units of text inserted from it so far

    constructor(
        readonly uri: string,
        readonly version: number,
        readonly range: LspRange,
        public text: string,
        readonly item: LspInlineCompletionItem,
    ) {}

    at(uri: string, version: number, position: vscode.Position): boolean {
        return this.uri === uri && this.version === version && samePosition(this.range.start, position);
    }
}

export const RUN_SERVER_COMMAND = 'flint.vscode.runServerCommand';

export class InlineCompletion implements StaticFeature, vscode.Disposable {
    private readonly held = new Map<string, Suggestion>();
    private readonly early = new Map<string, PartialParams>(); // partials that beat their response
    private retriggering = false;
    private again = false;
    private nudge: vscode.Disposable | undefined;
    private showing: Suggestion | undefined; // the suggestion last handed to the editor
    private readonly disposables: vscode.Disposable[] = [];
    private subscription: vscode.Disposable | undefined;

    constructor(
        private readonly client: () => LanguageClient | undefined,
        private readonly status: StatusBar,
        private readonly log: vscode.LogOutputChannel,
    ) {
        this.disposables.push(
            vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
            vscode.workspace.onDidCloseTextDocument((d) => this.held.delete(d.uri.toString())),
            // Runs a suggestion's command on the server whether or not the server listed it
            // in executeCommandProvider (only listed commands exist as VS Code commands).
            vscode.commands.registerCommand(RUN_SERVER_COMMAND, (command: LspCommand) =>
                this.client()?.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments }),
            ),
        );
    }

    // StaticFeature: for every (re)started client.
    fillClientCapabilities(): void {}
    getState(): FeatureState {
        return { kind: 'static' };
    }
    initialize(): void {
        this.held.clear();
        this.early.clear();
        this.subscription?.dispose();
        this.subscription = this.client()?.onNotification('flint/inlineCompletion/partial', (p: PartialParams) =>
            this.partial(p),
        );
    }
    clear(): void {
        this.subscription?.dispose();
        this.subscription = undefined;
        this.held.clear();
        this.early.clear();
    }

    /** Replaces the language client's own provider (see extension.ts: middleware). */
    async provide(
        document: vscode.TextDocument,
        position: vscode.Position,
        context: vscode.InlineCompletionContext,
        token: vscode.CancellationToken,
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        const client = this.client();
        if (!client) return undefined;
        const uri = client.code2ProtocolConverter.asUri(document.uri);
        const held = this.held.get(uri);
        if (held && held.at(uri, document.version, position)) {
            this.log.debug(`inline ${position.line + 1}:${position.character + 1} v${document.version}: ${held.text.length} chars held`);
            return this.items(held, token);
        }

        const started = performance.now();
        const params = {
            textDocument: { uri, version: document.version },
            position: { line: position.line, character: position.character },
            context: {
                triggerKind: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 1 : 2,
                selectedCompletionInfo: context.selectedCompletionInfo && {
                    range: client.code2ProtocolConverter.asRange(context.selectedCompletionInfo.range),
                    text: context.selectedCompletionInfo.text,
                },
            },
        };
        let result: LspInlineCompletionItem[] | { items: LspInlineCompletionItem[] } | null;
        try {
            result = await client.sendRequest('textDocument/inlineCompletion', params, token);
        } catch (e) {
            if (!token.isCancellationRequested) this.log.warn(`inline completion failed: ${e}`);
            return undefined;
        }
        if (token.isCancellationRequested) return undefined;
        const item = (Array.isArray(result) ? result : result?.items ?? [])[0];
        const where = `${position.line + 1}:${position.character + 1} v${document.version}`;
        if (!item) {
            this.log.debug(`inline ${where}: no suggestion`);
            return [];
        }
        const text = typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
        const range = item.range ?? { start: params.position, end: params.position };
        const suggestion = new Suggestion(uri, document.version, range, text, item);
        const early = this.early.get(uri);
        this.early.delete(uri);
        if (early && samePosition(early.range.start, position)) this.adopt(suggestion, early);
        this.held.set(uri, suggestion);
        this.status.suggestionShown(performance.now() - started);
        this.log.debug(`inline ${where}: ${text.length} chars`);
        return this.items(suggestion, token);
    }

    private items(s: Suggestion, token: vscode.CancellationToken): vscode.InlineCompletionItem[] {
        if (!s.text) return [];
        this.showing = s;
        const range = new vscode.Range(s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character);
        const item = new vscode.InlineCompletionItem(s.text, range);
        if (s.item.command)
            item.command = { title: s.item.command.title, command: RUN_SERVER_COMMAND, arguments: [s.item.command] };
        if (!s.shownReported && !token.isCancellationRequested) {
            s.shownReported = true;
            void this.client()?.sendNotification('textDocument/didShowCompletion', { item: s.item });
        }
        return [item];
    }

    private adopt(s: Suggestion, p: PartialParams): void {
        if (s.id !== undefined && s.id !== p.id) return;
        s.id = p.id;
        if (p.error) this.status.suggestionFailed(p.error);
        if (p.cancelled) {
            s.done = true;
            return;
        }
        if (p.text.length > s.text.length && p.text.startsWith(s.text)) s.text = p.text;
        if (p.done) s.done = true;
    }

    private partial(p: PartialParams): void {
        const s = this.held.get(p.textDocument.uri);
        this.log.trace(`partial #${p.id} ${p.range.start.line + 1}:${p.range.start.character + 1} ${p.text.length} chars${p.done ? ' done' : ''}; held: ${s ? `#${s.id} ${s.range.start.line + 1}:${s.range.start.character + 1}${s.done ? ' done' : ''}` : 'none'}`);
        if (s && samePosition(s.range.start, p.range.start) && (s.id === undefined || s.id === p.id) && !s.done) {
            const before = s.text;
            this.adopt(s, p);
            if (s.text !== before) this.retrigger(s);
            return;
        }
        // The response to this partial's request has not arrived yet: keep it for provide().
        if (p.error && !p.cancelled) this.status.suggestionFailed(p.error);
        if (p.cancelled) this.early.delete(p.textDocument.uri);
        else this.early.set(p.textDocument.uri, p);
    }

    /** Asks VS Code to fetch again, when the grown suggestion is for what the editor shows. */
    private retrigger(s: Suggestion): void {
        const editor = vscode.window.activeTextEditor;
        const client = this.client();
        if (!editor || !client || editor.selections.length !== 1 || !editor.selection.isEmpty) return;
        const current = (e: vscode.TextEditor) =>
            this.showing === s && s.at(client.code2ProtocolConverter.asUri(e.document.uri), e.document.version, e.selection.active);
        if (!current(editor)) return;
        // One re-trigger at a time: growth that arrives meanwhile is picked up by the next.
        if (this.retriggering) {
            this.again = true;
            return;
        }
        this.retriggering = true;
        // VS Code does not fetch again at a position and version it already fetched,
        // unless a provider was registered since: so each re-trigger comes with a fresh
        // provider that offers nothing (the previous one goes). An explicit fetch keeps
        // the suggestion shown first and adds the grown one after it; showing the next
        // item swaps them in place, with no frame in between without ghost text.
        const previous = this.nudge;
        this.nudge = vscode.languages.registerInlineCompletionItemProvider(
            { scheme: editor.document.uri.scheme, language: editor.document.languageId },
            { provideInlineCompletionItems: () => undefined },
        );
        previous?.dispose();
        void (async () => {
            try {
                await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
                const now = vscode.window.activeTextEditor;
                if (now && current(now)) await vscode.commands.executeCommand('editor.action.inlineSuggest.showNext');
            } finally {
                this.retriggering = false;
                if (this.again) {
                    this.again = false;
                    this.retrigger(s);
                }
            }
        })();
    }

    /** Text inserted at the suggestion's end, matching it, is an accept (whole or in part). */
    private documentChanged(e: vscode.TextDocumentChangeEvent): void {
        const client = this.client();
        if (!client || e.contentChanges.length !== 1) return;
        const s = this.held.get(client.code2ProtocolConverter.asUri(e.document.uri));
        if (!s || !s.shownReported) return;
        const change = e.contentChanges[0];
        const rest = s.text.slice(s.accepted);
        const insertAt = advance(s.range.start, s.text.slice(0, s.accepted));
        if (change.rangeLength !== 0 || !change.text || !rest.startsWith(change.text) || !samePosition(insertAt, change.range.start))
            return;
        s.accepted += change.text.length;
        // One typed character matching the suggestion is typing through, not an accept;
        // the whole remainder at once is a full accept, reported by the item's command.
        if (change.text.length >= 2 && s.accepted < s.text.length)
            void client.sendNotification('textDocument/didPartiallyAcceptCompletion', { item: s.item, acceptedLength: s.accepted });
    }

    dispose(): void {
        this.clear();
        this.nudge?.dispose();
        for (const d of this.disposables) d.dispose();
    }
}

function samePosition(a: LspPosition, b: LspPosition | vscode.Position): boolean {
    return a.line === b.line && a.character === b.character;
}

/** The position after inserting `text` at `p` (UTF-16, as VS Code and LSP count by default). */
function advance(p: LspPosition, text: string): LspPosition {
    const lines = text.split(/\r\n|\r|\n/);
    if (lines.length === 1) return { line: p.line, character: p.character + text.length };
    return { line: p.line + lines.length - 1, character: lines[lines.length - 1].length };
}
