/**
 * `sdep predict <name>`: one prediction request through the gateway, as the
 * seed's curl does; prints the response body; exits 1 on a non-2xx answer.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';

/** The seed's request body. */
export const SEED_REQUEST = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';

export interface PredictOptions {
  namespace?: string;
  data?: string;
  file?: string;
  gateway: string;
  path: string;
  header?: string[];
  verbose?: boolean;
}

/** `/seldon/<name>/...` (single-namespace form) or `/seldon/<ns>/<name>/...`. */
export function predictUrl(
  name: string,
  opts: Pick<PredictOptions, 'namespace' | 'gateway' | 'path'>,
): string {
  const base = opts.gateway.replace(/\/+$/, '');
  const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
  const ns = opts.namespace ? `${encodeURIComponent(opts.namespace)}/` : '';
  return `${base}/seldon/${ns}${encodeURIComponent(name)}${path}`;
}

/** `name:value` pairs as given to -H. */
export function parseHeaders(list: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new Error(`header ${JSON.stringify(h)} is not "name: value"`);
    out[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return out;
}

async function body(opts: PredictOptions): Promise<string> {
  if (opts.data !== undefined && opts.file !== undefined) throw new Error('give --data or --file, not both');
  if (opts.file !== undefined) return readFile(opts.file, 'utf8');
  return opts.data ?? SEED_REQUEST;
}

export async function runPredict(name: string, opts: PredictOptions): Promise<number> {
  const url = predictUrl(name, opts);
  let payload: string;
  let headers: Record<string, string>;
  try {
    payload = await body(opts);
    headers = { 'content-type': 'application/json', ...parseHeaders(opts.header) };
  } catch (err) {
    process.stderr.write(`sdep predict: ${(err as Error).message}\n`);
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: payload });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    process.stderr.write(`sdep predict: cannot reach ${url}: ${cause}\n(is \`sdep serve\` running?)\n`);
    return 1;
  }
  const text = await res.text();
  if (opts.verbose) process.stderr.write(`POST ${url} → ${res.status} ${res.statusText}\n`);
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  if (!res.ok) {
    process.stderr.write(`sdep predict: ${url} answered ${res.status} ${res.statusText}\n`);
    return 1;
  }
  return 0;
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description("send a prediction request through the gateway (default body: the seed's request)")
    .argument('<name>', 'SeldonDeployment name (or the ambassador-service-name it is exposed as)')
    .option('-n, --namespace <ns>', 'use the namespaced URL /seldon/<ns>/<name>/...')
    .option('-d, --data <json>', 'request body')
    .option('-f, --file <file>', 'read the request body from a file')
    .option('-H, --header <header...>', 'extra request header(s), "name: value" (e.g. for header routing)')
    .option('--gateway <url>', 'gateway base URL', 'http://127.0.0.1:8003')
    .option('--path <path>', 'endpoint below the deployment', '/api/v1.0/predictions')
    .option('-v, --verbose', 'print the URL and status to stderr')
    .action(async (name: string, opts: PredictOptions) => {
      process.exitCode = await runPredict(name, opts);
    });
}
