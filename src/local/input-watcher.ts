/**
 * Watches serve's input files and directories (chokidar 4, no globs) and
 * calls back once per burst of edits: editors write, rename and touch in
 * quick succession, and one reconcile per save is enough.
 */
import { watch } from 'chokidar';

const RESOURCE_FILE = /\.(ya?ml|json)$/i;

export interface InputWatcher {
  /** Resolves once the initial scan is done (edits after this are seen). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchInputs(
  paths: readonly string[],
  onChange: (changed: string[]) => void,
  debounceMs = 150,
): InputWatcher {
  const watcher = watch([...paths], {
    ignoreInitial: true,
    // only resource files matter inside directories; directories themselves must pass
    ignored: (file, stats) => stats?.isFile() === true && !RESOURCE_FILE.test(file),
  });
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  watcher.on('all', (_event, file) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = [...changed];
      changed = new Set();
      onChange(batch);
    }, debounceMs);
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
