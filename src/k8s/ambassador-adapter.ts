/** The AmbassadorRenderer backed by ambassador/'s compiler and render functions. */
import {
  type AmbassadorConfig,
  compileDeployment,
  renderObjects,
  SERVICE_CONFIG_ANNOTATION,
} from '../ambassador/index.js';
import type { AmbassadorRenderer, CrdApi } from './ambassador-renderer.js';
import type { KubeObject } from './kube-object.js';

function single(config: AmbassadorConfig, api: CrdApi): KubeObject {
  const [obj] = renderObjects(config, { format: api });
  if (!obj) throw new Error('render produced no object');
  return obj as unknown as KubeObject;
}

export const ambassadorRenderer: AmbassadorRenderer = {
  compile: (d, singleNamespace) => compileDeployment(d, { singleNamespace }),
  serviceAnnotations(config) {
    const out = new Map<string, string>();
    for (const o of renderObjects(config, { format: 'ambassador-v1' }) as unknown as KubeObject[]) {
      const text = o.metadata.annotations?.[SERVICE_CONFIG_ANNOTATION];
      if (o.kind === 'Service' && text !== undefined) out.set(o.metadata.name, text);
    }
    return out;
  },
  mappingResource: (m, api) => single({ mappings: [m], tlsContexts: [] }, api),
  tlsContextResource: (t, api) => single({ mappings: [], tlsContexts: [t] }, api),
};
