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
