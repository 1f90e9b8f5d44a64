/**
 * The handful of Kubernetes API calls the operator makes, over HTTP with
 * the credentials of a client-node KubeConfig. Writes are server-side apply
 * (PATCH application/apply-patch+yaml, fieldManager=sdep, force=true),
 * status goes through the /status subresource, deletes are by name.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { SdepError } from '../core/sdep-error.js';
import type { KubeObject } from './kube-object.js';
import { type ResourceType, resourcePath } from './resources.js';

export const FIELD_MANAGER = 'sdep';

export interface KubeList {
  items: KubeObject[];
  metadata?: { resourceVersion?: string };
}

export interface KubeClient {
  list(r: ResourceType, namespace: string | undefined, labelSelector?: string): Promise<KubeList>;
  get(r: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined>;
  apply(r: ResourceType, obj: KubeObject): Promise<KubeObject>;
  delete(r: ResourceType, namespace: string, name: string): Promise<void>;
  patchStatus(r: ResourceType, namespace: string, name: string, status: unknown): Promise<KubeObject>;
  create(r: ResourceType, obj: KubeObject): Promise<KubeObject>;
  replace(r: ResourceType, obj: KubeObject): Promise<KubeObject>;
}

/** An API answer other than 2xx, as the one run-time error family. */
export function apiError(status: number, method: string, path: string, body: string): SdepError {
  let reason = body.slice(0, 500);
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed.message) reason = parsed.message;
  } catch {
    // not a Status object: keep the raw text
  }
  const code = status === 409 ? 'SDEP_K8S_CONFLICT' : 'SDEP_K8S_API';
  return new SdepError(code, `${method} ${path}: ${status} ${reason}`, { status });
}

export function isNotFound(e: unknown): boolean {
  return e instanceof SdepError && e.status === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof SdepError && e.status === 409;
}

export interface HttpKubeClientOptions {
  /** Per-request timeout; watches are not made here. */
  timeoutMs?: number;
}

export function httpKubeClient(kc: KubeConfig, opts: HttpKubeClientOptions = {}): KubeClient {
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function request(
    method: HttpMethod,
    path: string,
    query: Record<string, string>,
    body?: { contentType: string; value: unknown },
  ): Promise<unknown> {
    const cluster = kc.getCurrentCluster();
    if (!cluster)
      throw new SdepError('SDEP_K8S_API', 'no current cluster in the kubeconfig', { status: 500 });
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method);
    await kc.applySecurityAuthentication(ctx);
    const headers = ctx.getHeaders();
    headers.accept = 'application/json';
    if (body) headers['content-type'] = body.contentType;
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(url, {
        method,
        headers,
        dispatcher: ctx.getDispatcher(),
        body: body ? JSON.stringify(body.value) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new SdepError('SDEP_K8S_API', `${method} ${path}: ${(cause as Error).message}`, {
        status: 503,
        cause,
      });
    }
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw apiError(res.status, method, path, text);
    return text ? JSON.parse(text) : undefined;
  }

  const ns = (o: KubeObject): string => o.metadata.namespace ?? 'default';

  return {
    async list(r, namespace, labelSelector) {
      const query: Record<string, string> = labelSelector ? { labelSelector } : {};
      const out = (await request(HttpMethod.GET, resourcePath(r, namespace), query)) as KubeList;
      return { items: out.items ?? [], metadata: out.metadata };
    },
    async get(r, namespace, name) {
      try {
        return (await request(HttpMethod.GET, resourcePath(r, namespace, name), {})) as KubeObject;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async apply(r, obj) {
      // JSON is YAML: the apply content type takes it as is.
      return (await request(
        HttpMethod.PATCH,
        resourcePath(r, ns(obj), obj.metadata.name),
        { fieldManager: FIELD_MANAGER, force: 'true' },
        { contentType: 'application/apply-patch+yaml', value: obj },
      )) as KubeObject;
    },
    async delete(r, namespace, name) {
      try {
        await request(
          HttpMethod.DELETE,
          resourcePath(r, namespace, name),
          {},
          { contentType: 'application/json', value: { propagationPolicy: 'Background' } },
        );
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
    async patchStatus(r, namespace, name, status) {
      return (await request(
        HttpMethod.PATCH,
        resourcePath(r, namespace, name, 'status'),
        { fieldManager: FIELD_MANAGER },
        { contentType: 'application/merge-patch+json', value: { status } },
      )) as KubeObject;
    },
    async create(r, obj) {
      return (await request(
        HttpMethod.POST,
        resourcePath(r, ns(obj)),
        { fieldManager: FIELD_MANAGER },
        { contentType: 'application/json', value: obj },
      )) as KubeObject;
    },
    async replace(r, obj) {
      return (await request(
        HttpMethod.PUT,
        resourcePath(r, ns(obj), obj.metadata.name),
        { fieldManager: FIELD_MANAGER },
        { contentType: 'application/json', value: obj },
      )) as KubeObject;
    },
  };
}
