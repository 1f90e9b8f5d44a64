/**
 * Per-predictor semantic rules on the inference graph: containers for
 * nodes, implementations, modelUri, protocol support, endpoint types against
 * each other and spec.transport, logger mode, unique node names, parameters,
 * and seldon.io/no-engine.
 */
import { type Diagnostic, fieldPath, type Severity } from '../core/diagnostic.js';
import type { Protocol } from './deployment-spec.js';
import { graphNodes, type NodeAt } from './graph-nodes.js';
import {
  effectiveImplementation,
  implementationInfo,
  KNOWN_IMPLEMENTATIONS,
} from './known-implementations.js';
import { parseParameterValue } from './parameter-value.js';
import { normalizeProtocol } from './protocol-name.js';
import type { RawPredictor, RawSeldonDeployment } from './schema.js';

type Emit = (code: string, segments: (string | number)[], message: string, severity?: Severity) => void;

export const NO_ENGINE_ANNOTATION = 'seldon.io/no-engine';

function containerNames(p: RawPredictor, base: (string | number)[], emit: Emit): Set<string> {
  const names = new Map<string, string>();
  (p.componentSpecs ?? []).forEach((cs, c) => {
    cs.spec.containers.forEach((container, k) => {
      const segments = [...base, 'componentSpecs', c, 'spec', 'containers', k, 'name'];
      const first = names.get(container.name);
      if (first === undefined) names.set(container.name, fieldPath(segments));
      else
        emit(
          'SDEP_DUPLICATE_CONTAINER',
          segments,
          `container name ${JSON.stringify(container.name)} is already used at ${first}`,
        );
    });
  });
  return new Set(names.keys());
}

function checkNode(at: NodeAt, containers: ReadonlySet<string>, protocol: Protocol, emit: Emit): void {
  const { node, segments } = at;
  const impl = effectiveImplementation(node.implementation);
  const info = implementationInfo(impl);
  const hasContainer = containers.has(node.name);
  if (impl !== undefined && info === undefined) {
    const known = Object.keys(KNOWN_IMPLEMENTATIONS).join(', ');
    if (hasContainer)
      emit(
        'SDEP_UNKNOWN_IMPLEMENTATION',
        [...segments, 'implementation'],
        `unknown implementation ${JSON.stringify(impl)} is ignored; container ${JSON.stringify(node.name)} serves this node`,
        'warning',
      );
    else
      emit(
        'SDEP_UNKNOWN_IMPLEMENTATION',
        [...segments, 'implementation'],
        `unknown implementation ${JSON.stringify(impl)} and no container named ${JSON.stringify(node.name)}; known implementations: ${known}`,
      );
  } else if (impl === undefined && !hasContainer && !node.endpoint?.service_host) {
    // A node with endpoint.service_host is a remote component sdep calls as is (no container to run).
    emit(
      'SDEP_MISSING_CONTAINER',
      [...segments, 'name'],
      `no container named ${JSON.stringify(node.name)} in this predictor's componentSpecs, no built-in implementation and no endpoint.service_host`,
    );
  }
  if (info?.kind === 'prepackaged') {
    if (!node.modelUri)
      emit(
        'SDEP_MODEL_URI_REQUIRED',
        [...segments, 'modelUri'],
        `modelUri is required for prepackaged server ${impl}`,
      );
    if (!info.protocols.includes(protocol))
      emit(
        'SDEP_PROTOCOL_UNSUPPORTED',
        [...segments, 'implementation'],
        `prepackaged server ${impl} does not handle the ${protocol} protocol (spec.protocol); it handles ${info.protocols.join(', ')}`,
      );
  }
  if (info && node.type !== undefined && node.type !== 'UNKNOWN_TYPE' && node.type !== info.type)
    emit(
      'SDEP_NODE_TYPE_CONFLICT',
      [...segments, 'type'],
      `type ${node.type} contradicts implementation ${impl}, which is a ${info.type}`,
    );
  if (node.logger && node.logger.mode === undefined)
    emit(
      'SDEP_LOGGER_MODE',
      [...segments, 'logger', 'mode'],
      'logger needs a mode: request, response or all',
    );
  (node.parameters ?? []).forEach((param, k) => {
    const parsed = parseParameterValue(param.type, param.value);
    if (!parsed.ok)
      emit(
        'SDEP_PARAMETER_VALUE',
        [...segments, 'parameters', k, 'value'],
        `parameter ${JSON.stringify(param.name)} of type ${param.type}: ${parsed.reason}`,
      );
  });
}

function checkEndpointTypes(nodes: readonly NodeAt[], transport: string | undefined, emit: Emit): void {
  const typed = nodes.filter(({ node }) => node.endpoint?.type !== undefined);
  const first = typed[0];
  const mixed = typed.find(({ node }) => node.endpoint!.type !== first!.node.endpoint!.type);
  if (first && mixed)
    emit(
      'SDEP_ENDPOINT_TYPES_MIXED',
      [...mixed.segments, 'endpoint', 'type'],
      `endpoint type ${mixed.node.endpoint!.type} differs from ${first.node.endpoint!.type} at ${fieldPath([...first.segments, 'endpoint', 'type'])}: a graph has one endpoint type; use spec.transport`,
    );
  if (transport === undefined) return;
  for (const { node, segments } of typed)
    if (node.endpoint!.type!.toLowerCase() !== transport)
      emit(
        'SDEP_TRANSPORT_MISMATCH',
        [...segments, 'endpoint', 'type'],
        `endpoint type ${node.endpoint!.type} contradicts spec.transport ${transport}; remove graph endpoint types when spec.transport is set`,
      );
}

function checkPredictorGraph(
  p: RawPredictor,
  i: number,
  protocol: Protocol,
  transport: string | undefined,
  emit: Emit,
): void {
  const base = ['spec', 'predictors', i];
  const containers = containerNames(p, base, emit);
  const nodes = graphNodes(p.graph, [...base, 'graph']);
  const seen = new Map<string, string>();
  for (const at of nodes) {
    const first = seen.get(at.node.name);
    if (first === undefined) seen.set(at.node.name, fieldPath(at.segments));
    else
      emit(
        'SDEP_DUPLICATE_NODE',
        [...at.segments, 'name'],
        `node name ${JSON.stringify(at.node.name)} is already used in this graph at ${first}`,
      );
    checkNode(at, containers, protocol, emit);
  }
  checkEndpointTypes(nodes, transport, emit);
  if (p.annotations?.[NO_ENGINE_ANNOTATION]?.toLowerCase() === 'true' && nodes.length > 1)
    emit(
      'SDEP_NO_ENGINE_MULTI_NODE',
      [...base, 'annotations', NO_ENGINE_ANNOTATION],
      `running without an engine is only valid for a single-node graph; this graph has ${nodes.length} nodes`,
    );
}

export function validateGraphs(raw: RawSeldonDeployment, resource: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit: Emit = (code, segments, message, severity = 'error') => {
    out.push({ code, severity, resource, path: fieldPath(segments), message });
  };
  const protocol = normalizeProtocol(raw.spec.protocol);
  for (const [i, p] of raw.spec.predictors.entries())
    checkPredictorGraph(p, i, protocol, raw.spec.transport, emit);
  return out;
}
