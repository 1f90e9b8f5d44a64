/**
 * A unit's output line as `sdep serve` shows it to people. Units log pino
 * JSON; their info-level chatter (loaded, listening) is already told by the
 * supervisor's own events, so pretty output keeps warnings and errors only,
 * as `LEVEL message`. Lines that are not pino JSON (a user's container
 * printing text) pass through unchanged.
 */
const LEVELS: Record<number, string> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The text to print, or undefined to leave the line out. */
export function prettyUnitLine(line: string): string | undefined {
  if (!line.startsWith('{"level":')) return line;
  let rec: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    rec = JSON.parse(line) as typeof rec;
  } catch {
    return line;
  }
  const level = typeof rec.level === 'number' ? rec.level : 30;
  if (level < 40) return undefined;
  const msg = typeof rec.msg === 'string' ? rec.msg : line;
  const err = typeof rec.err?.message === 'string' && rec.err.message !== msg ? `: ${rec.err.message}` : '';
  return `${LEVELS[level] ?? 'ERROR'} ${msg}${err}`;
}
