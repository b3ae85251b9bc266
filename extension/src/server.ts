// Starting, stopping and restarting flint-lsp, and finding its binary.
//
// The binary is looked up in this order: the `flint.server.path` setting; the one
// shipped inside the extension (bin/flint-lsp, put there when the VSIX is packed);
// build/server/flint-lsp beside the extension's source folder (running the
// extension from a checkout of the repository); `flint-lsp` on PATH. The opened
// workspace is never searched: a folder must not be able to choose what runs.
//
// Features that live as long as the extension (status bar, inline edits, ...)
// attach to every client this creates as StaticFeatures, so a restart re-runs
// their initialize() against the new server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    LanguageClient,
    LanguageClientOptions,
    Middleware,
    ServerOptions,
    StaticFeature,
    TransportKind,
} from 'vscode-languageclient/node';
import { ApiKey, API_KEY_ENV } from './secrets';
import { initializationOptions } from './settings';

export interface ServerParts {
    features: StaticFeature[];
    middleware: Middleware;
}

export class FlintServer implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private readonly changed = new vscode.EventEmitter<LanguageClient | undefined>();
    /** Fires with the new client once it runs, and with undefined when it stops. */
    readonly onDidChangeClient = this.changed.event;
    private queue: Promise<void> = Promise.resolve();

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        private readonly apiKey: ApiKey,
        private readonly parts: () => ServerParts,
    ) {}

    get current(): LanguageClient | undefined {
        return this.client;
    }

    /** Starts, stops or restarts as `flint.enable` says; calls are run one after another. */
    restart(reason: string): Promise<void> {
        this.queue = this.queue.then(() => this.doRestart(reason)).catch((e) => this.log.error(`flint-lsp: ${e}`));
        return this.queue;
    }

    stop(): Promise<void> {
        this.queue = this.queue.then(() => this.doStop()).catch((e) => this.log.error(`flint-lsp: ${e}`));
        return this.queue;
    }

    private async doStop(): Promise<void> {
        const client = this.client;
        if (!client) return;
        this.client = undefined;
        this.changed.fire(undefined);
        await client.stop(5000).catch(() => undefined);
        await client.dispose().catch(() => undefined);
    }

    private async doRestart(reason: string): Promise<void> {
        await this.doStop();
        if (!vscode.workspace.getConfiguration('flint').get<boolean>('enable', true)) {
            this.log.info('Flint is turned off (flint.enable)');
            return;
        }
        const command = findServer(this.context);
        if (!command) {
            const message =
                'Flint: flint-lsp was not found. Set "flint.server.path" to the flint-lsp binary, or build it (scripts/setup.sh).';
            this.log.error(message);
            this.changed.fire(undefined);
            const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
            if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'flint.server.path');
            return;
        }
        const key = await this.apiKey.get();
        const logLevel = vscode.workspace.getConfiguration('flint').get<string>('server.logLevel', 'info');
        // The key travels only in the child's environment, never on its command line or in a log.
        const env: NodeJS.ProcessEnv = { ...process.env };
        if (key) env[API_KEY_ENV] = key;
        else delete env[API_KEY_ENV];
        const run = {
            command,
            args: ['--stdio', '--log-level', logLevel],
            transport: TransportKind.stdio,
            options: { env },
        };
        const serverOptions: ServerOptions = { run, debug: run };
        const parts = this.parts();
        const clientOptions: LanguageClientOptions = {
            // Every text document: the server decides what it understands (plain text included).
            documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
            outputChannel: this.log,
            traceOutputChannel: this.log,
            initializationOptions: () => initializationOptions(key !== undefined),
            middleware: parts.middleware,
            // The configuration travels through settings.ts (pull + push), with the key's variable filled in.
            synchronize: {},
            connectionOptions: { maxRestartCount: 4 },
        };
        const client = new LanguageClient('flint', 'Flint', serverOptions, clientOptions);
        for (const feature of parts.features) client.registerFeature(feature);
        this.log.info(`starting ${command} (${reason})`);
        this.client = client;
        try {
            await client.start();
        } catch (e) {
            this.log.error(`flint-lsp did not start: ${e}`);
            if (this.client === client) this.client = undefined;
            this.changed.fire(undefined);
            return;
        }
        if (this.client !== client) return;
        this.log.info(`flint-lsp ${client.initializeResult?.serverInfo?.version ?? ''} is running`);
        this.changed.fire(client);
    }

    dispose(): void {
        void this.stop();
        this.changed.dispose();
    }
}

export function findServer(context: vscode.ExtensionContext): string | undefined {
    const configured = vscode.workspace.getConfiguration('flint').get<string>('server.path', '').trim();
    if (configured) return expandHome(configured);
    const candidates = [
        context.asAbsolutePath(path.join('bin', 'flint-lsp')),
        path.resolve(context.extensionPath, '..', 'build', 'server', 'flint-lsp'),
    ];
    for (const candidate of candidates) if (isExecutable(candidate)) return candidate;
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
        const candidate = path.join(dir, 'flint-lsp');
        if (dir && isExecutable(candidate)) return candidate;
    }
    return undefined;
}

function expandHome(p: string): string {
    return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
