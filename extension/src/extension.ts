// Flint for VS Code: starts flint-lsp and wires the features to it. Each feature is
// one file; this one only connects them.
//   server.ts            finding, starting and restarting flint-lsp
//   settings.ts          the `flint` settings the server sees
//   secrets.ts           the API key in SecretStorage
//   inlineCompletion.ts  streamed ghost text and its feedback
//   inlineEdit.ts        next-edit suggestions drawn with decorations
//   status.ts            the status bar item
//   codeActions.ts       the client half of code actions (edit with an instruction)
//   stats.ts             "Flint: Show Stats": the server's figures as a page
//   commands.ts          the commands and the status bar menu
import * as vscode from 'vscode';
import { registerCodeActionCommands } from './codeActions';
import { registerCommands } from './commands';
import { InlineCompletion } from './inlineCompletion';
import { InlineEdits } from './inlineEdit';
import { ApiKey } from './secrets';
import { FlintServer } from './server';
import { configurationMiddleware, needsRestart, pushSettings } from './settings';
import { StatusBar } from './status';

let server: FlintServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const log = vscode.window.createOutputChannel('Flint', { log: true });
    const apiKey = new ApiKey(context.secrets);
    await apiKey.get();
    const client = () => server?.current;
    const status = new StatusBar(client);
    const inline = new InlineCompletion(client, status, log);
    const edits = new InlineEdits(client, log);
    server = new FlintServer(context, log, apiKey, () => ({
        features: [status, inline, edits],
        middleware: {
            provideInlineCompletionItems: (document, position, ctx, token) => inline.provide(document, position, ctx, token),
            workspace: configurationMiddleware(() => apiKey.stored),
        },
    }));
    context.subscriptions.push(log, apiKey, status, inline, edits, server);
    context.subscriptions.push(...registerCommands(server, apiKey, status, log));
    context.subscriptions.push(...registerCodeActionCommands(client, log));

    context.subscriptions.push(
        server.onDidChangeClient((c) => {
            if (c) status.setLifecycle('running');
            else if (!vscode.workspace.getConfiguration('flint').get<boolean>('enable', true)) status.setLifecycle('off');
            else status.setLifecycle('stopped');
        }),
        apiKey.onDidChange(() => {
            status.setLifecycle('starting');
            void server?.restart('the API key changed');
        }),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (needsRestart(e)) {
                status.setLifecycle('starting');
                void server?.restart('settings changed');
            } else if (e.affectsConfiguration('flint')) {
                const c = server?.current;
                if (c) void pushSettings(c, apiKey.stored);
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
            const c = server?.current;
            if (c) void pushSettings(c, apiKey.stored);
        }),
    );
    status.setLifecycle('starting');
    await server.restart('activation');
}

export async function deactivate(): Promise<void> {
    await server?.stop();
}
