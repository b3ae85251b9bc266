// SVG plots for the side-by-side benchmark, written directly (no plotting library):
// latency distributions as cumulative curves on a log time axis, and added latency
// against model speed.
//
//   fs.writeFileSync("cdf.svg", cdfPlot({ title, series: [{ label, color, dash, values }] }));
//   fs.writeFileSync("speed.svg", speedPlot({ title, speeds: [1000, 3000], series: [{ label, color, points }] }));

const W = 800;
const H = 440;
const M = { left: 70, right: 240, top: 44, bottom: 56 };
const font = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function frame(title, body) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold" ${font}>${esc(title)}</text>
${body}
</svg>
`;
}

/** Decades covering [lo, hi] (milliseconds), for a log axis. */
function decades(lo, hi) {
  const a = Math.floor(Math.log10(Math.max(lo, 1e-4)));
  const b = Math.ceil(Math.log10(Math.max(hi, lo * 10)));
  return [a, b === a ? a + 1 : b];
}

function logAxis(lo, hi, length, horizontal) {
  const [a, b] = decades(lo, hi);
  const map = (v) => ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * length;
  const ticks = [];
  for (let e = a; e <= b; ++e) ticks.push(10 ** e);
  const label = (v) => (v >= 1 ? `${v} ms` : v >= 0.001 ? `${+(v * 1000).toPrecision(3)} µs` : `${v}`);
  return { map, ticks, label, horizontal };
}

function legend(series, x, y) {
  return series
    .map((s, i) => {
      const yy = y + i * 22;
      return `<line x1="${x}" y1="${yy}" x2="${x + 26}" y2="${yy}" stroke="${s.color}" stroke-width="2.5" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""}/>
<text x="${x + 32}" y="${yy + 4}" font-size="12" ${font}>${esc(s.label)}</text>`;
    })
    .join("\n");
}

/** Cumulative distribution of each series' values (ms) on a log x axis. */
export function cdfPlot({ title, xLabel, series }) {
  const all = series.flatMap((s) => s.values).filter((v) => v > 0);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = logAxis(Math.min(...all), Math.max(...all), pw, true);
  const y = (q) => M.top + ph - q * ph;
  let body = `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>\n`;
  for (const t of x.ticks) {
    const xx = M.left + x.map(t);
    body += `<line x1="${xx}" y1="${M.top}" x2="${xx}" y2="${M.top + ph}" stroke="#ddd"/>
<text x="${xx}" y="${M.top + ph + 18}" text-anchor="middle" font-size="11" ${font}>${esc(x.label(t))}</text>\n`;
  }
  for (const q of [0, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    body += `<line x1="${M.left}" y1="${y(q)}" x2="${M.left + pw}" y2="${y(q)}" stroke="${q === 0 ? "#888" : "#ddd"}"/>
<text x="${M.left - 6}" y="${y(q) + 4}" text-anchor="end" font-size="11" ${font}>${q >= 0.5 ? `p${Math.round(q * 100)}` : q}</text>\n`;
  }
  for (const s of series) {
    const v = s.values.filter((t) => t > 0).sort((a, b) => a - b);
    if (!v.length) continue;
    let d = `M ${(M.left + x.map(v[0])).toFixed(1)} ${y(0).toFixed(1)}`;
    v.forEach((t, i) => {
      const xx = (M.left + x.map(t)).toFixed(1);
      d += ` L ${xx} ${y(i / v.length).toFixed(1)} L ${xx} ${y((i + 1) / v.length).toFixed(1)}`;
    });
    body += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""}/>\n`;
  }
  body += `<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle" font-size="12" ${font}>${esc(xLabel)}</text>
<text x="18" y="${M.top + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 18 ${M.top + ph / 2})" ${font}>fraction of requests</text>\n`;
  body += legend(series, M.left + pw + 14, M.top + 14);
  return frame(title, body);
}

/** Median (marker) with p90 and p99 (whisker ends) at each model speed, log y axis. */
export function speedPlot({ title, yLabel, speeds, series }) {
  const all = series.flatMap((s) => s.points.flatMap((p) => [p.p50, p.p99])).filter((v) => v > 0);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const y = logAxis(Math.min(...all), Math.max(...all), ph, false);
  const yy = (v) => M.top + ph - y.map(v);
  const slot = pw / speeds.length;
  const xx = (i, k) => M.left + slot * (i + 0.5) + (k - (series.length - 1) / 2) * 16;
  let body = `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>\n`;
  for (const t of y.ticks) {
    body += `<line x1="${M.left}" y1="${yy(t)}" x2="${M.left + pw}" y2="${yy(t)}" stroke="#ddd"/>
<text x="${M.left - 6}" y="${yy(t) + 4}" text-anchor="end" font-size="11" ${font}>${esc(y.label(t))}</text>\n`;
  }
  speeds.forEach((s, i) => {
    body += `<text x="${M.left + slot * (i + 0.5)}" y="${M.top + ph + 18}" text-anchor="middle" font-size="12" ${font}>${s.toLocaleString("en-US")} tok/s</text>\n`;
  });
  series.forEach((s, k) => {
    const pts = s.points.map((p, i) => ({ ...p, x: xx(i, k) })).filter((p) => p.p50 > 0);
    if (pts.length > 1)
      body += `<polyline points="${pts.map((p) => `${p.x},${yy(p.p50)}`).join(" ")}" fill="none" stroke="${s.color}" stroke-width="1.5" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""}/>\n`;
    for (const p of pts) {
      body += `<line x1="${p.x}" y1="${yy(p.p50)}" x2="${p.x}" y2="${yy(p.p99)}" stroke="${s.color}" stroke-width="1.5"/>
<line x1="${p.x - 5}" y1="${yy(p.p90)}" x2="${p.x + 5}" y2="${yy(p.p90)}" stroke="${s.color}" stroke-width="1.5"/>
<line x1="${p.x - 5}" y1="${yy(p.p99)}" x2="${p.x + 5}" y2="${yy(p.p99)}" stroke="${s.color}" stroke-width="1.5"/>
<circle cx="${p.x}" cy="${yy(p.p50)}" r="4.5" fill="${s.color}"/>\n`;
    }
  });
  body += `<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle" font-size="12" ${font}>model speed (scripted model server, 20 ms to first token)</text>
<text x="18" y="${M.top + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 18 ${M.top + ph / 2})" ${font}>${esc(yLabel)}</text>
<text x="${M.left + pw + 14}" y="${M.top + ph - 6}" font-size="11" fill="#555" ${font}>dot p50, tick p90, end p99</text>\n`;
  body += legend(series, M.left + pw + 14, M.top + 14);
  return frame(title, body);
}

/** Horizontal bars on a log axis, one group per figure, one bar per system. */
export function barPlot({ title, groups, systems }) {
  const rows = groups.length * (systems.length + 1);
  const h = M.top + M.bottom + rows * 16;
  const pw = W - M.left - M.right - 110;
  const left = M.left + 110;
  const values = groups.flatMap((g) => systems.map((s) => g.values[s.key])).filter((v) => v > 0);
  const x = logAxis(Math.min(...values), Math.max(...values), pw, true);
  const ph = rows * 16;
  let body = ""; // the grid first, so that the bars are drawn over it
  for (const t of x.ticks)
    body += `<line x1="${left + x.map(t)}" y1="${M.top}" x2="${left + x.map(t)}" y2="${M.top + ph}" stroke="#eee"/>\n`;
  let row = 0;
  for (const g of groups) {
    body += `<text x="${left - 8}" y="${M.top + row * 16 + 12}" text-anchor="end" font-size="12" font-weight="bold" ${font}>${esc(g.label)}</text>\n`;
    for (const s of systems) {
      const v = g.values[s.key];
      const y = M.top + row * 16;
      if (v > 0)
        body += `<rect x="${left}" y="${y + 2}" width="${Math.max(1, x.map(v)).toFixed(1)}" height="12" fill="${s.color}"/>
<text x="${left + x.map(v) + 4}" y="${y + 12}" font-size="11" ${font}>${esc(g.format(v))}</text>\n`;
      row++;
    }
    row++;
  }
  body += `<text x="${left + pw / 2}" y="${M.top + ph + 24}" text-anchor="middle" font-size="11" fill="#555" ${font}>log scale; shorter is better</text>\n`;
  body += legend(systems.map((s) => ({ label: s.name, color: s.color })), left + pw + 60, M.top + 14);
  return frame(title, body).replace(`height="${H}" viewBox="0 0 ${W} ${H}"`, `height="${h}" viewBox="0 0 ${W} ${h}"`).replace(`<rect width="${W}" height="${H}"`, `<rect width="${W}" height="${h}"`);
}
