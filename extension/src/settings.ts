// What flint-lsp sees of the `flint` settings.
//
// Only what the user set explicitly is forwarded (user, workspace and folder values
// merged in that order), so the server's own defaults stay the defaults and a
// provider the user never configured is not sent half-filled. Keys only the
// extension uses (enable, server.*, trace.*) stay here. The server gets the section
// in initializationOptions, by pull (workspace/configuration, answered by the
// middleware below) and by push on every change (workspace/didChangeConfiguration).
//
// New server settings need no code here: any `flint.*` key the user sets reaches
// the server. Contributing it in package.json only adds it to the settings UI.
import * as vscode from 'vscode';
import { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { API_KEY_ENV } from './secrets';

const EXTENSION_ONLY = ['enable', 'server', 'trace'];

type Settings = Record<string, unknown>;

/** The `flint` section as the server should see it. */
export function serverSection(hasStoredKey: boolean): Settings {
    const inspected = vscode.workspace.getConfiguration().inspect<Settings>('flint');
    // In an untrusted workspace the folder does not get to pick the model endpoint or anything else.
    const layers = vscode.workspace.isTrusted
        ? [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue]
        : [inspected?.globalValue];
    return forServer(layers, hasStoredKey);
}

/** The user-level settings alone: the server trusts these over a workspace's. */
export function userSection(hasStoredKey: boolean): Settings {
    const inspected = vscode.workspace.getConfiguration().inspect<Settings>('flint');
    return forServer([inspected?.globalValue], hasStoredKey);
}

export function initializationOptions(hasStoredKey: boolean): Settings {
    return { ...serverSection(hasStoredKey), flintUserSettings: userSection(hasStoredKey) };
}

function forServer(layers: (Settings | undefined)[], hasStoredKey: boolean): Settings {
    let merged: Settings = {};
    for (const layer of layers) if (isObject(layer)) merged = deepMerge(merged, layer);
    for (const key of EXTENSION_ONLY) delete merged[key];
    // A key stored with "Flint: Set API Key" reaches the server as FLINT_API_KEY, unless the
    // provider names a variable of its own.
    const provider = merged.provider;
    if (hasStoredKey && isObject(provider) && !provider.apiKeyEnv) merged.provider = { ...provider, apiKeyEnv: API_KEY_ENV };
    return merged;
}

function isObject(v: unknown): v is Settings {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Settings, over: Settings): Settings {
    const out: Settings = { ...base };
    for (const [key, value] of Object.entries(over)) {
        const prior = out[key];
        out[key] = isObject(prior) && isObject(value) ? deepMerge(prior, value) : value;
    }
    return out;
}

/** Answers the server's pull for `flint` with serverSection(); other sections as usual. */
export function configurationMiddleware(hasStoredKey: () => boolean): Middleware['workspace'] {
    return {
        configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            return params.items.map((item, i) => (item.section === 'flint' ? serverSection(hasStoredKey()) : result[i]));
        },
    };
}

/** Pushes the section to a running server. */
export function pushSettings(client: LanguageClient, hasStoredKey: boolean): Promise<void> {
    return client.sendNotification('workspace/didChangeConfiguration', { settings: { flint: serverSection(hasStoredKey) } });
}

/** Settings that need a new server process rather than a push. */
export function needsRestart(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration('flint.enable') || e.affectsConfiguration('flint.server');
}
