// The API key, kept in VS Code's SecretStorage (the OS keychain where there is one),
// never in settings. flint-lsp gets it as the environment variable FLINT_API_KEY of
// its process; settings.ts points the provider's apiKeyEnv at that variable when the
// user named none. A changed key restarts the server (an environment is fixed at
// spawn). The key is never logged, shown or passed on a command line.
import * as vscode from 'vscode';

export const API_KEY_ENV = 'FLINT_API_KEY';
const SECRET = 'flint.apiKey';

export class ApiKey implements vscode.Disposable {
    private cached: string | undefined;
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChange = this.changed.event;
    private readonly subscription: vscode.Disposable;

    constructor(private readonly secrets: vscode.SecretStorage) {
        // Also fires when another window of the same profile changes the key.
        this.subscription = secrets.onDidChange(async (e) => {
            if (e.key !== SECRET) return;
            const before = this.cached;
            await this.get();
            if (before !== this.cached) this.changed.fire();
        });
    }

    async get(): Promise<string | undefined> {
        this.cached = (await this.secrets.get(SECRET)) || undefined;
        return this.cached;
    }

    /** Whether a key was stored, as of the last get(). */
    get stored(): boolean {
        return this.cached !== undefined;
    }

    async ask(): Promise<void> {
        const key = await vscode.window.showInputBox({
            title: 'Flint: Set API Key',
            prompt: 'The API key of your model provider. Stored in VS Code\'s secret storage, never in settings.',
            password: true,
            ignoreFocusOut: true,
            placeHolder: 'sk-...',
        });
        if (key === undefined) return;
        if (key.trim() === '') return this.clear();
        await this.secrets.store(SECRET, key.trim());
        vscode.window.showInformationMessage('Flint: API key stored. Flint restarts with it.');
    }

    async clear(): Promise<void> {
        await this.secrets.delete(SECRET);
        vscode.window.showInformationMessage('Flint: API key removed.');
    }

    dispose(): void {
        this.subscription.dispose();
        this.changed.dispose();
    }
}
