// The commands a user runs (palette and the status bar menu): the API key, turning
// Flint on and off, the model, the log, a restart, the statistics.
import * as vscode from 'vscode';
import { ApiKey } from './secrets';
import { FlintServer } from './server';
import { showStats } from './stats';
import { StatusBar } from './status';

export function registerCommands(
    server: FlintServer,
    apiKey: ApiKey,
    status: StatusBar,
    log: vscode.LogOutputChannel,
): vscode.Disposable[] {
    return [
        vscode.commands.registerCommand('flint.setApiKey', () => apiKey.ask()),
        vscode.commands.registerCommand('flint.clearApiKey', () => apiKey.clear()),
        vscode.commands.registerCommand('flint.toggle', toggle),
        vscode.commands.registerCommand('flint.changeModel', changeModel),
        vscode.commands.registerCommand('flint.showLog', () => log.show(true)),
        vscode.commands.registerCommand('flint.restartServer', () => server.restart('restart requested')),
        vscode.commands.registerCommand('flint.showMenu', () => showMenu(status, apiKey)),
        vscode.commands.registerCommand('flint.showStats', () => showStats(server.current)),
    ];
}

async function toggle(): Promise<void> {
    const config = vscode.workspace.getConfiguration('flint');
    await config.update('enable', !config.get<boolean>('enable', true), targetOf('enable'));
}

async function changeModel(): Promise<void> {
    const config = vscode.workspace.getConfiguration('flint');
    const model = await vscode.window.showInputBox({
        title: 'Flint: Change Model',
        prompt: `Model id for ${config.get<string>('provider.endpoint') || 'your provider'} (empty: the service's default)`,
        value: config.get<string>('provider.model', ''),
        ignoreFocusOut: true,
    });
    if (model === undefined) return;
    await config.update('provider.model', model.trim() || undefined, targetOf('provider.model'));
}

/** Where a setting is changed: where it is set now, else the user's settings. */
function targetOf(key: string): vscode.ConfigurationTarget {
    const inspected = vscode.workspace.getConfiguration('flint').inspect(key);
    if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
    if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
    return vscode.ConfigurationTarget.Global;
}

async function showMenu(status: StatusBar, apiKey: ApiKey): Promise<void> {
    const enabled = vscode.workspace.getConfiguration('flint').get<boolean>('enable', true);
    const model = vscode.workspace.getConfiguration('flint').get<string>('provider.model') || 'service default';
    const items: (vscode.QuickPickItem & { command: string; args?: unknown[] })[] = [
        { label: enabled ? '$(circle-slash) Turn Flint off' : '$(play) Turn Flint on', command: 'flint.toggle' },
        { label: '$(symbol-misc) Change model', description: model, command: 'flint.changeModel' },
        { label: '$(key) Set API key', description: apiKey.stored ? 'a key is stored' : 'none stored', command: 'flint.setApiKey' },
        { label: '$(output) Show log', command: 'flint.showLog' },
        { label: '$(graph) Show stats', command: 'flint.showStats' },
        { label: '$(settings-gear) Settings', command: 'workbench.action.openSettings', args: ['@ext:flint.flint'] },
        { label: '$(debug-restart) Restart server', command: 'flint.restartServer' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Flint: ${status.description}` });
    if (picked) await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
}
