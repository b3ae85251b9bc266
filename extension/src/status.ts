// The status bar item: what Flint is doing (starting, ready, streaming, rate-limited,
// paused by a budget, no model, error, off) and how long the last suggestion took from the editor's
// request to its first ghost text. The state comes from the server's `flint/status`
// notification; a server that does not send it is shown as ready once it runs, and
// a failed suggestion (a partial carrying `error`) is shown until the next one works.
// A click opens the Flint menu (commands.ts).
//
// The item's accessible label always starts with "Flint: <state>", which is what
// the end-to-end tests wait on before typing.
import * as vscode from 'vscode';
import { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';

export type ServerState =
    | 'starting' // the local model server Flint started is not healthy yet
    | 'ready'
    | 'streaming'
    | 'rate-limited'
    | 'over-budget' // automatic suggestions paused by a budget until `until`; invoked ones still go
    | 'degraded'
    | 'no-model'
    | 'error'
    | 'disabled';
type State = ServerState | 'starting' | 'off' | 'stopped';

export interface StatusParams {
    state: ServerState;
    message: string;
    provider: { kind: string; endpoint: string } | null;
    model: string | null;
    until?: string; // rate-limited, over-budget: when automatic suggestions resume (ISO 8601, UTC)
    limit?: string; // over-budget: which budget is spent (requestsPerMinute, tokensPerDay, ...)
    latencyMs?: number;
    reason?: string; // degraded: why, and what Flint does about it
}

const LOOK: Record<State, { icon: string; words: string; color?: string }> = {
    starting: { icon: '$(loading~spin)', words: 'starting' },
    ready: { icon: '$(sparkle)', words: 'ready' },
    streaming: { icon: '$(loading~spin)', words: 'streaming' },
    'rate-limited': { icon: '$(watch)', words: 'rate-limited', color: 'statusBarItem.warningBackground' },
    'over-budget': { icon: '$(debug-pause)', words: 'paused (budget)', color: 'statusBarItem.warningBackground' },
    degraded: { icon: '$(dashboard)', words: 'degraded', color: 'statusBarItem.warningBackground' },
    'no-model': { icon: '$(circle-large-outline)', words: 'no model', color: 'statusBarItem.warningBackground' },
    error: { icon: '$(error)', words: 'error', color: 'statusBarItem.errorBackground' },
    disabled: { icon: '$(circle-slash)', words: 'disabled' },
    off: { icon: '$(circle-slash)', words: 'off' },
    stopped: { icon: '$(debug-disconnect)', words: 'stopped', color: 'statusBarItem.errorBackground' },
};

const STREAMING_SHOWN_AFTER_MS = 300;

export class StatusBar implements StaticFeature, vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private server: StatusParams | undefined; // the last flint/status, if the server sends it
    private failure: string | undefined; // the last suggestion's error, for servers without flint/status
    private latencyMs: number | undefined;
    private base: State = 'starting';
    private subscription: vscode.Disposable | undefined;
    private streamingTimer: NodeJS.Timeout | undefined;

    constructor(private readonly client: () => LanguageClient | undefined) {
        this.item = vscode.window.createStatusBarItem('flint.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'Flint';
        this.item.command = 'flint.showMenu';
        this.render();
        this.item.show();
    }

    // StaticFeature: called for every (re)started client.
    fillClientCapabilities(): void {}
    getState(): FeatureState {
        return { kind: 'static' };
    }
    initialize(): void {
        this.server = undefined;
        this.failure = undefined;
        this.subscription?.dispose();
        this.subscription = this.client()?.onNotification('flint/status', (params: StatusParams) => this.serverStatus(params));
    }
    clear(): void {
        this.subscription?.dispose();
        this.subscription = undefined;
    }

    // Most model requests end within a keystroke or two: showing "streaming" for each
    // would make the item blink while typing, so it shows only once a request has run
    // for a while.
    private serverStatus(params: StatusParams): void {
        clearTimeout(this.streamingTimer);
        if (params.state === 'streaming' && this.server && this.server.state !== 'streaming') {
            this.streamingTimer = setTimeout(() => {
                this.server = params;
                this.render();
            }, STREAMING_SHOWN_AFTER_MS);
            return;
        }
        this.server = params;
        this.render();
    }

    /** The client's life: starting, running, off (flint.enable false) or stopped (it failed). */
    setLifecycle(state: 'starting' | 'running' | 'off' | 'stopped'): void {
        this.base = state === 'running' ? 'ready' : state;
        if (state !== 'running') this.server = undefined;
        this.render();
    }

    /** The editor got a suggestion: its time from the editor's request to the first text. */
    suggestionShown(latencyMs: number): void {
        this.latencyMs = latencyMs;
        this.failure = undefined;
        this.render();
    }

    suggestionFailed(error: string): void {
        this.failure = error;
        this.render();
    }

    get description(): string {
        const s = this.server;
        if (!s) return this.base === 'ready' && this.failure ? `error: ${this.failure}` : LOOK[this.base].words;
        return s.message ? `${LOOK[s.state]?.words ?? s.state}: ${s.message}` : LOOK[s.state]?.words ?? s.state;
    }

    private state(): State {
        if (this.base !== 'ready') return this.base;
        if (this.server) return LOOK[this.server.state] ? this.server.state : 'ready';
        return this.failure ? 'error' : 'ready';
    }

    private render(): void {
        const state = this.state();
        const look = LOOK[state];
        const latency = this.latencyMs !== undefined && (state === 'ready' || state === 'streaming') ? ` ${Math.round(this.latencyMs)} ms` : '';
        const short = state === 'ready' || state === 'streaming' ? '' : ` ${look.words}`;
        this.item.text = `${look.icon} Flint${short}${latency}`;
        this.item.backgroundColor = look.color ? new vscode.ThemeColor(look.color) : undefined;

        const lines = [`**Flint: ${look.words}**`];
        const s = this.server;
        const message = s?.message || (state === 'error' ? this.failure : undefined);
        if (message) lines.push(message);
        if ((s?.state === 'rate-limited' || s?.state === 'over-budget') && s.until)
            lines.push(`Automatic suggestions resume at ${new Date(s.until).toLocaleTimeString()}`);
        if (s?.state === 'over-budget') lines.push('Suggestions you ask for (Trigger Inline Suggestion) still work.');
        if (s?.provider) lines.push(`Model: ${s.model ?? '(service default)'} at ${s.provider.endpoint} (${s.provider.kind})`);
        else if (s && s.state === 'no-model') lines.push('Suggestions come from matching code in your open files.');
        if (this.latencyMs !== undefined) lines.push(`Last suggestion: ${Math.round(this.latencyMs)} ms from request to ghost text`);
        if (s?.latencyMs !== undefined) lines.push(`(server side: ${Math.round(s.latencyMs)} ms)`);
        lines.push('', 'Click for the Flint menu.');
        this.item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
        const detail = message ? ` — ${message}` : '';
        this.item.accessibilityInformation = { label: `Flint: ${look.words}${latency}${detail}`, role: 'button' };
    }

    dispose(): void {
        clearTimeout(this.streamingTimer);
        this.subscription?.dispose();
        this.item.dispose();
    }
}
