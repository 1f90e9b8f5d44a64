/**
 * V8 settings for sdep's request-serving processes (gateway, units), found
 * with `--trace-gc-nvp` under load (bench/README.md, memory).
 *
 * Allocation-site pretenuring: when a site's objects survive a scavenge
 * (requests in flight during start-up bursts), V8 starts allocating them in
 * the old generation for good. A per-request object placed there keeps what
 * it points to alive through every scavenge, so all of a request's garbage
 * was promoted: about 400 bytes per gateway request, collected only by
 * mark-compacts. The flag is read at each decision, so it can be set here.
 *
 * The young generation of a unit: V8 grows each semi-space to 16 MB under a
 * high allocation rate; a unit's requests live a few milliseconds, so 4 MB
 * holds them: 82 MB of RSS instead of 107 at load, and no less throughput
 * (2 MB saved 5 MB more and cost 16 %; V8 rounds 3 up to 4). Heap sizes are
 * fixed at start-up, so this one is a flag on the unit's command line.
 *
 * GC on a unit's own thread (`--single-threaded-gc`): V8 otherwise hands
 * scavenges, marking and sweeping to helper threads, and `sdep serve` runs
 * many units (and the gateway) on a few cores, where those threads only
 * wait for one: pinned to one core, a unit served 1.08x the requests at
 * 0.93x the CPU per request, p99 unchanged, 2 MB less RSS. It must be set
 * before V8 starts (setting it later aborts the process), so a flag too.
 *
 * The old generation of a process serving gRPC (units, microservices): each
 * call is a node HTTP/2 stream, a native object whose JS handle survives
 * every scavenge, so ~500 bytes a call reach the old generation and its
 * native side (~700 bytes) waits for a mark-compact. V8 lets the old
 * generation grow up to 4x its live size before one; under gRPC load a
 * unit swelled to 114-132 MB between them and kept the native part (glibc
 * does not give back a fragmented heap). Growth capped at 1.5x: 85-89 MB,
 * with the same CPU per call, REST included. Read at each GC decision, so
 * set in the process.
 */
import { setFlagsFromString } from 'node:v8';

/** The user's own node options, which win over ours. */
function userSet(name: string, env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  return (env.NODE_OPTIONS ?? '').includes(name) || execArgv.some((a) => a.includes(name));
}

/** Turns pretenuring off in this process, unless NODE_OPTIONS or the node command line mention it. */
export function tuneV8ForServing(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): boolean {
  if (userSet('allocation-site-pretenuring', env, execArgv)) return false;
  setFlagsFromString('--no-allocation-site-pretenuring');
  return true;
}

/** The old generation may grow to 1.5x its live size before a mark-compact. */
export const GRPC_OLD_GENERATION_FLAG = '--heap-growing-percent=50';

/** Caps old-generation growth in a gRPC-serving process, unless the user set the flag. */
export function tuneV8ForGrpcServing(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): boolean {
  if (userSet('heap-growing-percent', env, execArgv)) return false;
  setFlagsFromString(GRPC_OLD_GENERATION_FLAG);
  return true;
}

/** GC threading flags: a user who set any of them keeps their own. */
const GC_THREADS = ['single-threaded', 'parallel-scavenge', 'concurrent-marking', 'concurrent-sweeping'];

/** Node flags for a unit process that `sdep serve` starts. */
export function unitNodeFlags(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const flags: string[] = [];
  if (!userSet('semi-space-size', env, execArgv)) flags.push('--max-semi-space-size=4');
  if (!GC_THREADS.some((name) => userSet(name, env, execArgv))) flags.push('--single-threaded-gc');
  return flags;
}
