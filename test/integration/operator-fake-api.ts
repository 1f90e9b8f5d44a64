/**
 * An in-memory stand-in for the few Kubernetes API endpoints the operator
 * uses: list (with labelSelector and resourceVersion), watch (chunked JSON
 * lines, replaying events after the requested resourceVersion), get,
 * create, replace (with optimistic concurrency), server-side apply (PATCH
 * application/apply-patch+yaml), merge-patch of /status, delete. It records
 * every request so tests can assert exactly what the operator sent, and can
 * be told to fail requests. Not a Kubernetes: no defaulting, no validation,
 * no garbage collection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Obj = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  authorization: string;
  body: unknown;
}

interface Route {
  prefix: string;
  group: string;
  namespace?: string;
  plural: string;
  name?: string;
  sub?: string;
}

interface Watcher {
  group: string;
  plural: string;
  namespace?: string;
  selector: Record<string, string>;
  res: ServerResponse;
}

interface Failure {
  method: string;
  match: RegExp;
  remaining: number;
  status: number;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function parsePath(path: string): Route | undefined {
  const m =
    /^(\/api\/v1|\/apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z0-9]+)(?:\/([^/]+))?(?:\/(status))?$/.exec(
      path,
    );
  if (!m) return undefined;
  return {
    prefix: m[1] as string,
    group: m[2] ?? '',
    namespace: m[3] ? decodeURIComponent(m[3]) : undefined,
    plural: m[4] as string,
    name: m[5] ? decodeURIComponent(m[5]) : undefined,
    sub: m[6],
  };
}

function parseSelector(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function matches(o: Obj, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** group|plural → namespace/name → object */
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly history: { rv: number; type: string; key: string; obj: Obj }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly failures: Failure[] = [];
  private readonly delays: { method: string; match: RegExp; remaining: number; ms: number }[] = [];
  private rv = 100;
  private uidSeq = 0;
  private server: Server | undefined;
  /** Applied Deployments report all replicas available (as if pods came up at once). */
  deploymentsBecomeAvailable = true;

  /** Listens on 127.0.0.1 (HTTPS with `tls`, as a real API server); returns the server URL. */
  async start(opts: { tls?: { cert: string; key: string } } = {}): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => {
        this.send(res, 500, { kind: 'Status', message: String(err) });
      });
    };
    this.server = opts.tls ? createTlsServer(opts.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Hold the next `count` requests with this method whose path matches for `ms` before answering. */
  slowNext(method: string, match: RegExp, count: number, ms: number): void {
    this.delays.push({ method, match, remaining: count, ms });
  }

  /** Fail the next `count` requests with this method whose path matches. */
  failNext(method: string, match: RegExp, count: number, status = 500): void {
    this.failures.push({ method, match, remaining: count, status });
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method));
  }

  /** Store an object as a client would create it (emits ADDED). */
  put(group: string, plural: string, obj: Obj): Obj {
    const key = `${group}|${plural}`;
    const id = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const existing = this.store.get(key)?.get(id);
    const stored = this.stamp(clone(obj), existing, true);
    this.save(key, id, stored, existing ? 'MODIFIED' : 'ADDED');
    return stored;
  }

  remove(group: string, plural: string, namespace: string, name: string): void {
    const key = `${group}|${plural}`;
    const id = `${namespace}/${name}`;
    const o = this.store.get(key)?.get(id);
    if (!o) return;
    this.store.get(key)?.delete(id);
    this.rv++;
    this.emit(key, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(this.rv) } });
  }

  get(group: string, plural: string, namespace: string, name: string): Obj | undefined {
    const o = this.store.get(`${group}|${plural}`)?.get(`${namespace}/${name}`);
    return o ? clone(o) : undefined;
  }

  list(group: string, plural: string): Obj[] {
    return [...(this.store.get(`${group}|${plural}`)?.values() ?? [])].map(clone);
  }

  private stamp(o: Obj, existing: Obj | undefined, bumpGeneration: boolean): Obj {
    this.rv++;
    const prevGen = Number(existing?.metadata.generation ?? 0);
    o.metadata = {
      ...o.metadata,
      uid: existing?.metadata.uid ?? `uid-${++this.uidSeq}`,
      resourceVersion: String(this.rv),
      generation: bumpGeneration ? prevGen + 1 : prevGen || 1,
      creationTimestamp: existing?.metadata.creationTimestamp ?? '2026-01-01T00:00:00Z',
    };
    return o;
  }

  private save(key: string, id: string, o: Obj, type: string): void {
    let m = this.store.get(key);
    if (!m) {
      m = new Map();
      this.store.set(key, m);
    }
    m.set(id, o);
    this.emit(key, type, o);
  }

  private emit(key: string, type: string, obj: Obj): void {
    this.history.push({ rv: this.rv, type, key, obj: clone(obj) });
    for (const w of this.watchers) {
      if (`${w.group}|${w.plural}` !== key) continue;
      if (w.namespace && obj.metadata.namespace !== w.namespace) continue;
      if (!matches(obj, w.selector)) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private notFound(res: ServerResponse, what: string): void {
    this.send(res, 404, { kind: 'Status', status: 'Failure', message: `${what} not found`, code: 404 });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const method = req.method ?? 'GET';
    if (process.env.FAKE_DEBUG) console.error(Date.now() % 100000, method, url.pathname + url.search);
    this.requests.push({
      method,
      path: url.pathname,
      query,
      contentType: req.headers['content-type'] ?? '',
      authorization: req.headers.authorization ?? '',
      body,
    });
    const delay = this.delays.find(
      (d) => d.remaining > 0 && d.method === method && d.match.test(url.pathname),
    );
    if (delay) {
      delay.remaining--;
      await new Promise((r) => setTimeout(r, delay.ms));
    }
    const failure = this.failures.find(
      (f) => f.remaining > 0 && f.method === method && f.match.test(url.pathname),
    );
    if (failure) {
      failure.remaining--;
      this.send(res, failure.status, { kind: 'Status', message: 'injected failure', code: failure.status });
      return;
    }
    const route = parsePath(url.pathname);
    if (!route) return this.notFound(res, url.pathname);
    const key = `${route.group}|${route.plural}`;
    const items = this.store.get(key) ?? new Map<string, Obj>();

    if (!route.name) {
      if (method === 'GET' && query.watch === 'true') return this.watch(route, query, res);
      if (method === 'GET') {
        const selector = parseSelector(query.labelSelector);
        const out = [...items.values()].filter(
          (o) => (!route.namespace || o.metadata.namespace === route.namespace) && matches(o, selector),
        );
        // Like the real API, list items carry no apiVersion/kind.
        const stripped = out.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
        return this.send(res, 200, {
          kind: 'List',
          metadata: { resourceVersion: String(this.rv) },
          items: stripped,
        });
      }
      if (method === 'POST') {
        const o = body as Obj;
        const id = `${route.namespace ?? ''}/${o.metadata.name}`;
        if (items.has(id))
          return this.send(res, 409, { kind: 'Status', code: 409, message: 'already exists' });
        const stored = this.stamp(
          clone({ ...o, metadata: { ...o.metadata, namespace: route.namespace } }),
          undefined,
          true,
        );
        this.save(key, id, stored, 'ADDED');
        return this.send(res, 201, stored);
      }
      return this.send(res, 405, { kind: 'Status', message: 'method not allowed' });
    }

    const id = `${route.namespace ?? ''}/${route.name}`;
    const existing = items.get(id);
    if (method === 'GET') return existing ? this.send(res, 200, existing) : this.notFound(res, id);
    if (method === 'DELETE') {
      if (!existing) return this.notFound(res, id);
      this.remove(route.group, route.plural, route.namespace ?? '', route.name);
      return this.send(res, 200, { kind: 'Status', status: 'Success' });
    }
    if (method === 'PUT') {
      if (!existing) return this.notFound(res, id);
      const o = body as Obj;
      if (o.metadata.resourceVersion && o.metadata.resourceVersion !== existing.metadata.resourceVersion) {
        return this.send(res, 409, { kind: 'Status', code: 409, message: 'the object has been modified' });
      }
      const stored = this.stamp(clone(o), existing, false);
      this.save(key, id, stored, 'MODIFIED');
      return this.send(res, 200, stored);
    }
    if (method === 'PATCH' && route.sub === 'status') {
      if (!existing) return this.notFound(res, id);
      const patch = (body as { status?: unknown }).status;
      const next = { ...clone(existing), status: mergePatch(existing.status, patch) };
      if (JSON.stringify(next.status) === JSON.stringify(existing.status))
        return this.send(res, 200, existing);
      const stored = this.stamp(next, existing, false);
      this.save(key, id, stored, 'MODIFIED');
      return this.send(res, 200, stored);
    }
    if (method === 'PATCH' && req.headers['content-type'] === 'application/apply-patch+yaml') {
      if (!query.fieldManager)
        return this.send(res, 400, { kind: 'Status', message: 'fieldManager is required' });
      const applied = body as Obj;
      // Simplified apply: the applied configuration replaces the previous one; status is the server's.
      const candidate: Obj = {
        ...clone(applied),
        metadata: { ...existing?.metadata, ...applied.metadata, namespace: route.namespace },
      };
      if (existing?.status !== undefined) candidate.status = existing.status;
      if (route.plural === 'deployments' && this.deploymentsBecomeAvailable) {
        const replicas = Number((applied.spec as { replicas?: number } | undefined)?.replicas ?? 1);
        candidate.status = {
          replicas,
          availableReplicas: replicas,
          readyReplicas: replicas,
          updatedReplicas: replicas,
        };
      }
      if (existing && sameContent(existing, candidate)) return this.send(res, 200, existing);
      const stored = this.stamp(
        candidate,
        existing,
        !existing || JSON.stringify(existing.spec) !== JSON.stringify(candidate.spec),
      );
      this.save(key, id, stored, existing ? 'MODIFIED' : 'ADDED');
      return this.send(res, existing ? 200 : 201, stored);
    }
    return this.send(res, 415, {
      kind: 'Status',
      message: `unsupported ${method} ${req.headers['content-type']}`,
    });
  }

  private watch(route: Route, query: Record<string, string>, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // Without this the client's fetch does not resolve until the first event.
    res.flushHeaders();
    const w: Watcher = {
      group: route.group,
      plural: route.plural,
      namespace: route.namespace,
      selector: parseSelector(query.labelSelector),
      res,
    };
    const since = Number(query.resourceVersion ?? 0);
    for (const h of this.history) {
      if (h.rv <= since || h.key !== `${route.group}|${route.plural}`) continue;
      if (w.namespace && h.obj.metadata.namespace !== w.namespace) continue;
      if (!matches(h.obj, w.selector)) continue;
      res.write(`${JSON.stringify({ type: h.type, object: h.obj })}\n`);
    }
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }
}

function sameContent(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => {
    const { resourceVersion: _r, generation: _g, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}
