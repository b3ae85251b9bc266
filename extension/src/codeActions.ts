// The client half of Flint's code actions. Listing, resolving and applying them is
// the language client's standard work; what the server leaves to the editor is
// "Edit with an instruction": its command `flint.editWithInstruction` carries the
// action's data, and the client asks the user what to do, then runs
// `flint.runCodeAction` on the server with `instruction` added to that data. The
// server applies the edit with workspace/applyEdit and reports progress while the
// model writes.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

export const EDIT_WITH_INSTRUCTION = 'flint.editWithInstruction';

export function registerCodeActionCommands(client: () => LanguageClient | undefined, log: vscode.LogOutputChannel): vscode.Disposable[] {
    return [
        vscode.commands.registerCommand(EDIT_WITH_INSTRUCTION, async (data: Record<string, unknown> | undefined) => {
            const c = client();
            if (!c || !data) return;
            const instruction = await vscode.window.showInputBox({
                title: 'Flint: Edit with an Instruction',
                prompt: `What should change${typeof data.scope === 'string' && data.scope ? ` in ${data.scope}` : ''}?`,
                placeHolder: 'e.g. handle an empty list; use pathlib; add type hints',
                ignoreFocusOut: true,
            });
            if (!instruction?.trim()) return;
            try {
                await c.sendRequest('workspace/executeCommand', {
                    command: 'flint.runCodeAction',
                    arguments: [{ ...data, instruction: instruction.trim() }],
                });
            } catch (e) {
                const message = (e as { message?: string }).message ?? String(e);
                log.warn(`edit with an instruction failed: ${message}`);
                void vscode.window.showWarningMessage(`Flint: ${message}`);
            }
        }),
    ];
}
