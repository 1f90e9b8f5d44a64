/**
 * A client whose component is still loading (a built-in reading its model,
 * a container process starting). Calls wait for it; the unit's /ready says
 * whether every one has loaded.
 */
import type { ComponentClient } from './component-client.js';

export interface DeferredClient extends ComponentClient {
  readonly loaded: Promise<ComponentClient>;
  isLoaded(): boolean;
}

export function deferredClient(
  kind: ComponentClient['kind'],
  label: string | undefined,
  loading: Promise<ComponentClient>,
): DeferredClient {
  let done = false;
  loading.then(
    () => {
      done = true;
    },
    () => {},
  );
  return {
    kind,
    ...(label ? { label } : {}),
    loaded: loading,
    isLoaded: () => done,
    call: async (method, msg, o) => (await loading).call(method, msg, o),
    aggregate: async (msgs, o) => (await loading).aggregate(msgs, o),
    sendFeedback: async (fb, routing, o) => (await loading).sendFeedback(fb, routing, o),
    async metadata(o) {
      const c = await loading;
      return c.metadata ? c.metadata(o) : {};
    },
  };
}
