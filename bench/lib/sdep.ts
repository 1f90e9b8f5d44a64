/**
 * Starting sdep itself for the benchmarks: the compiled CLI (`npm run build`
 * first), each in its own process group, optionally pinned.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, start, stop, waitForLine } from './proc.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'sdep.js');

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('sdep is not built: run `npm run build` first');
  }
}

export interface MappingSpec {
  name: string;
  prefix: string;
  service: string;
  weight?: number;
  shadow?: boolean;
  rewrite?: string;
}

export function mappingsYaml(ms: MappingSpec[]): string {
  return ms
    .map(
      (m) => `---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: ${m.name}}
spec:
  prefix: ${m.prefix}
  rewrite: ${JSON.stringify(m.rewrite ?? '')}
  service: ${m.service}
${m.weight === undefined ? '' : `  weight: ${m.weight}\n`}${m.shadow ? '  shadow: true\n' : ''}`,
    )
    .join('');
}

/** The 75/25 split of the gateway benchmark (plus an optional shadow of every request). */
export function splitMappings(upstreams: [number, number], shadowPort?: number): MappingSpec[] {
  const ms: MappingSpec[] = [
    { name: 'main', prefix: '/', service: `127.0.0.1:${upstreams[0]}`, weight: 75 },
    { name: 'canary', prefix: '/', service: `127.0.0.1:${upstreams[1]}`, weight: 25 },
  ];
  if (shadowPort !== undefined) {
    ms.push({ name: 'shadow', prefix: '/', service: `127.0.0.1:${shadowPort}`, shadow: true });
  }
  return ms;
}

export interface RunningGateway {
  port: number;
  adminPort: number;
  child: ChildProcess;
  close(): Promise<void>;
}

export interface GatewayStart {
  mappings: MappingSpec[];
  cpu?: string | undefined;
  tls?: boolean;
  /** Extra CLI flags. */
  flags?: string[];
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Another build's bin/sdep.js, to compare two builds in one run. */
  cli?: string;
}

export async function startGateway(o: GatewayStart): Promise<RunningGateway> {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-gw-'));
  const file = join(dir, 'mappings.yaml');
  writeFileSync(file, mappingsYaml(o.mappings));
  const [port, adminPort] = [await freePort(), await freePort()];
  const child = start(
    process.execPath,
    [
      ...(o.nodeFlags ?? []),
      o.cli ?? CLI,
      'gateway',
      '--mappings',
      file,
      '--port',
      String(port),
      '--admin-port',
      String(adminPort),
      ...(o.tls ? ['--tls', 'self-signed'] : []),
      ...(o.flags ?? []),
    ],
    { cpu: o.cpu, pipeStdout: true, env: { ...process.env, ...o.env }, cwd: dir },
  );
  await waitForLine(child, /^gateway listening on /);
  return {
    port,
    adminPort,
    child,
    async close() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Upstreams {
  ports: number[];
  child: ChildProcess;
  close(): Promise<void>;
}

export async function startUpstreams(n: number, cpu?: string): Promise<Upstreams> {
  const child = start(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'lib', 'upstreams.ts'), String(n)],
    {
      cpu,
      pipeStdout: true,
      cwd: ROOT,
    },
  );
  const line = await waitForLine(child, /^\{"ports"/);
  const { ports } = JSON.parse(line) as { ports: number[] };
  return { ports, child, close: () => stop(child) };
}
