/**
 * AmbassadorConfig → YAML text, in one of three forms (pure, deterministic):
 * - `ambassador-v1`: per predictor a Service (as Seldon Core creates it) carrying
 *   `getambassador.io/config` with `apiVersion: ambassador/v1` documents;
 * - `v2`: `getambassador.io/v2` Mapping and TLSContext CRDs (Ambassador 1.x);
 * - `v3alpha1`: `getambassador.io/v3alpha1` CRDs (Emissary 2.x–4.x).
 */
import type { AmbassadorConfig, Mapping, TLSContext } from './mapping.js';
import { renderCrdObjects } from './render-crd.js';
import { renderV1Objects } from './render-v1.js';
import { toYamlStream } from './yaml-text.js';

export const RENDER_FORMATS = ['ambassador-v1', 'v2', 'v3alpha1'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface RenderOptions {
  format: RenderFormat;
  /** Sets ambassador_id on every Mapping and TLSContext (an Ambassador started with AMBASSADOR_ID). */
  ambassadorId?: string;
}

/** The Kubernetes-style objects of a render, before YAML. */
export function renderObjects(config: AmbassadorConfig, opts: RenderOptions): Record<string, unknown>[] {
  const c = opts.ambassadorId === undefined ? config : withAmbassadorId(config, opts.ambassadorId);
  return opts.format === 'ambassador-v1' ? renderV1Objects(c) : renderCrdObjects(c, opts.format);
}

export function renderAmbassador(config: AmbassadorConfig, opts: RenderOptions): string {
  return toYamlStream(renderObjects(config, opts));
}

function withAmbassadorId(config: AmbassadorConfig, id: string): AmbassadorConfig {
  const mappings: Mapping[] = config.mappings.map((m) => ({ ...m, ambassador_id: [id] }));
  const tlsContexts: TLSContext[] = config.tlsContexts.map((t) => ({ ...t, ambassador_id: [id] }));
  return { ...config, mappings, tlsContexts };
}
