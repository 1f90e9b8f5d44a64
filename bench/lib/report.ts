/** Small helpers to print markdown tables and medians. */
import { cpus } from 'node:os';

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

export function f(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function int(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n)) : '-';
}

/** The req/s, mean, p50 and p99 (ms) cells of a table row: medians over the runs. */
export function latencyCells(
  runs: readonly { rps: number; mean: number; p50: number; p99: number }[],
): string[] {
  const m = (pick: (x: (typeof runs)[number]) => number) => median(runs.map(pick));
  return [
    int(m((x) => x.rps)),
    f(
      m((x) => x.mean),
      3,
    ),
    f(
      m((x) => x.p50),
      3,
    ),
    f(
      m((x) => x.p99),
      3,
    ),
  ];
}

/** Short mode (SDEP_BENCH_SHORT=1 or --short): fewer rounds, shorter runs. */
export const SHORT = process.env.SDEP_BENCH_SHORT === '1' || process.argv.includes('--short');

export function argNumber(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
}

/** `--name=value`, or `fallback`. */
export function argString(name: string, fallback: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : a.slice(name.length + 3);
}

export function environment(): string {
  return `${new Date().toISOString()} · Node ${process.version} · ${osCpus()}`;
}

function osCpus(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'cpu'}`;
}
