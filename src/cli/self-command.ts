/**
 * How to start sdep itself as a child process (units, test servers): the
 * same Node binary running the same entry point this process runs, compiled
 * (`dist/cli/main.js`) or from source through tsx (`src/cli/main.ts`).
 * Never a shell: the result goes straight to child_process.spawn.
 */
import { fileURLToPath } from 'node:url';

export interface SelfCommand {
  command: string;
  args: string[];
}

/** The tsx loader as an absolute URL, so the child does not depend on its cwd to find it. */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** Pure core, for tests: from this module's URL to the command line (`nodeFlags` go to node itself). */
export function selfCommandFor(
  moduleUrl: string,
  execPath: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): SelfCommand {
  const fromSource = moduleUrl.endsWith('.ts');
  const main = fileURLToPath(new URL(fromSource ? './main.ts' : './main.js', moduleUrl));
  const prefix = fromSource ? ['--import', tsxLoader(), main] : [main];
  return { command: execPath, args: [...nodeFlags, ...prefix, ...args] };
}

/** `sdep <args...>` as this very installation. */
export function selfCommand(args: readonly string[], nodeFlags: readonly string[] = []): SelfCommand {
  return selfCommandFor(import.meta.url, process.execPath, args, nodeFlags);
}
