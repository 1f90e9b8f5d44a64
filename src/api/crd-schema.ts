/**
 * The SeldonDeployment schema as a Kubernetes structural openAPIV3Schema, for
 * the CRD k8s/ ships. Kubernetes allows no $ref, so the recursive graph is
 * unrolled to a fixed depth (deeper levels are kept but not checked); open
 * objects become x-kubernetes-preserve-unknown-fields; keyed maps become
 * additionalProperties; metadata is left to the API server, as CRDs require.
 */
import { GraphNodeSchema, SeldonDeploymentSchema } from './schema.js';

export type OpenApiSchema = { [key: string]: unknown };

interface SourceSchema {
  $id?: string;
  $ref?: string;
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, SourceSchema>;
  patternProperties?: Record<string, SourceSchema>;
  additionalProperties?: boolean;
  items?: SourceSchema;
}

export const DEFAULT_GRAPH_DEPTH = 8;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

function convert(s: SourceSchema, graphDepth: number): OpenApiSchema {
  if (s.$ref !== undefined) {
    if (graphDepth <= 1) return { type: 'object', [PRESERVE]: true };
    return convert(GraphNodeSchema as SourceSchema, graphDepth - 1);
  }
  if (s.type === undefined) return { [PRESERVE]: true };
  const out: OpenApiSchema = { type: s.type };
  if (s.enum) out.enum = [...s.enum];
  if (s.minimum !== undefined) out.minimum = s.minimum;
  if (s.maximum !== undefined) out.maximum = s.maximum;
  if (s.required && s.required.length > 0) out.required = [...s.required];
  if (s.properties) {
    const props: Record<string, OpenApiSchema> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = convert(v, graphDepth);
    out.properties = props;
  }
  if (s.items) out.items = convert(s.items, graphDepth);
  const keyed = s.patternProperties ? Object.values(s.patternProperties)[0] : undefined;
  if (keyed) out.additionalProperties = convert(keyed, graphDepth);
  if (s.additionalProperties === true) out[PRESERVE] = true;
  return out;
}

/** openAPIV3Schema for the SeldonDeployment CRD (every served version shares it). */
export function seldonDeploymentOpenApiSchema(graphDepth = DEFAULT_GRAPH_DEPTH): OpenApiSchema {
  const root = convert(SeldonDeploymentSchema as SourceSchema, graphDepth);
  const props = root.properties as Record<string, OpenApiSchema>;
  props.metadata = { type: 'object' };
  props.status = { type: 'object', [PRESERVE]: true };
  return root;
}
