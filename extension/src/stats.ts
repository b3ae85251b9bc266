// "Flint: Show Stats": the server's `flint/stats` figures (where the time goes, per
// provider and per feature: inline completion, next edit, code actions) as a
// readable page, with the whole answer as JSON below it. The figures are the
// server's; this only lays them out (README: `flint/stats`).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

type Figures = Record<string, unknown>;
interface Window {
    samples: number;
    p50?: number;
    p90?: number;
    p99?: number;
}

const FEATURES: [string, string][] = [
    ['inline', 'Inline completion'],
    ['nextEdit', 'Next edit'],
    ['actions', 'Code actions'],
];

export async function showStats(client: LanguageClient | undefined): Promise<void> {
    if (!client) {
        void vscode.window.showWarningMessage('Flint: the server is not running.');
        return;
    }
    const stats = (await client.sendRequest('flint/stats', null)) as Figures;
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: render(stats) });
    await vscode.window.showTextDocument(doc, { preview: true });
}

/** The page: a table per provider and per feature, then the raw figures. */
export function render(stats: Figures): string {
    const out: string[] = ['# Flint statistics', '', 'Times in milliseconds over the newest 256 samples (p50 / p90 / p99).', ''];
    const providers = (stats.providers ?? {}) as Record<string, Figures>;
    out.push('## Providers', '');
    if (Object.keys(providers).length === 0) out.push('No model provider has been asked yet.', '');
    for (const [name, p] of Object.entries(providers)) {
        out.push(`### ${name}: ${p.model || '(service default)'} at ${p.endpoint ?? '?'} (${p.kind ?? '?'})`, '');
        out.push(
            ...table([
                ['requests', p.requests],
                ['completed / cancelled / failed', `${p.completed} / ${p.cancelled} / ${p.failed}`],
                ['time to first token', quantiles(p.ttftMs)],
                ['tokens per second', quantiles(p.tokensPerSecond)],
                ['whole request', quantiles(p.durationMs)],
                ['errors', kinds(p.errors)],
                ['degraded', p.degraded ? `yes: ${p.degradedReason ?? ''}` : 'no'],
                ['rate-limited until', p.rateLimitedUntil ?? '—'],
            ]),
            '',
        );
    }
    const features = (stats.features ?? {}) as Record<string, Figures>;
    for (const [key, title] of FEATURES) {
        const f = features[key];
        if (!f) continue;
        out.push(`## ${title}`, '');
        const served = f.provider ? `${f.provider}${f.servedByFallback ? ' (fallback)' : ''}` : 'no model';
        const rows: [string, unknown][] = [
            ['served by', served],
            ['requests', f.requests],
            ['answered by the model / from what Flint held', `${f.modelRequests ?? 0} / ${f.cacheHits ?? 0}`],
            ['cancelled requests / model streams', `${f.requestsCancelled ?? 0} / ${f.streamsCancelled ?? 0}`],
            ['time to first token', quantiles(f.ttftMs)],
            ["Flint's own time", quantiles(f.addedMs)],
            ['tokens per second', quantiles(f.tokensPerSecond)],
            ['errors', kinds(f.errors)],
        ];
        if (f.skipped) rows.push(['not asked (why)', kinds(f.skipped)]);
        if (key === 'inline') rows.push(['typed through / debounced', `${f.typedThroughHits ?? 0} / ${f.debounced ?? 0}`]);
        const a = (f.acceptance ?? {}) as Figures;
        if (key === 'actions') {
            rows.push(
                ['listed / offered', `${f.listed ?? 0} / ${a.offered ?? 0}`],
                ['resolved / applied / not applied', `${a.resolved ?? 0} / ${a.applied ?? 0} / ${a.applyFailed ?? 0}`],
                ['refused (why)', kinds(a.refused)],
            );
        } else if (f.acceptance) {
            const rate = typeof a.rate === 'number' ? ` (${Math.round(a.rate * 100)}% taken)` : '';
            if (key === 'inline')
                rows.push([
                    'shown / accepted / in part / rejected',
                    `${a.shown} / ${a.accepted} / ${a.partiallyAccepted ?? 0} / ${a.rejected}${rate}`,
                ]);
            else rows.push(['shown / accepted / rejected', `${a.shown} / ${a.accepted} / ${a.rejected}${rate}`]);
        }
        out.push(...table(rows), '');
    }
    const exports = (stats.export ?? {}) as Figures;
    out.push('## Exports', '', ...table([
        ['Prometheus', exports.prometheus ?? exports.prometheusError ?? 'off'],
        ['OTLP/JSON file', exports.otlpFile ?? exports.otlpError ?? 'off'],
    ]), '');
    out.push('## All figures', '', '```json', JSON.stringify(stats, null, 2), '```', '');
    return out.join('\n');
}

function table(rows: [string, unknown][]): string[] {
    return ['| figure | value |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${String(value ?? '—').replace(/\|/g, '\\|')} |`)];
}

function quantiles(w: unknown): string {
    const window = w as Window | undefined;
    if (!window || !window.samples || window.p50 === undefined) return '—';
    return `${window.p50} / ${window.p90} / ${window.p99} (${window.samples} samples)`;
}

function kinds(byKind: unknown): string {
    const entries = Object.entries((byKind ?? {}) as Record<string, number>);
    return entries.length ? entries.map(([kind, n]) => `${kind}: ${n}`).join(', ') : 'none';
}
