/**
 * Text → resource documents (pure). YAML (which also reads JSON), several
 * documents per text; syntax errors name the file, document index and
 * line:col; alias bombs are refused by capping alias expansion.
 */
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceRef } from './deployment-spec.js';
import { checkShape, isPlainObject, MAX_DEPTH } from './document-shape.js';

export interface ResourceDocument {
  doc: unknown;
  source: SourceRef;
  apiVersion?: string;
  kind?: string;
}

export interface ParsedText {
  documents: ResourceDocument[];
  diagnostics: Diagnostic[];
}

export interface TextOptions {
  /** Most alias expansions allowed per document (yaml's maxAliasCount). Default 100. */
  maxAliasCount?: number;
}

export const DEFAULT_MAX_ALIAS_COUNT = 100;

interface YamlErrorLike {
  message: string;
  linePos?: readonly { line: number; col: number }[];
}

function syntaxMessage(e: YamlErrorLike): string {
  const firstLine = e.message.split('\n')[0] ?? e.message;
  const reason = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const pos = e.linePos?.[0];
  return pos ? `line ${pos.line}:${pos.col}: ${reason}` : reason;
}

export function parseResourceText(text: string, file: string, options: TextOptions = {}): ParsedText {
  const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  const documents: ResourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true, merge: true });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((d, index) => {
    const resource = `${file}#${index}`;
    const error = (code: string, message: string) =>
      diagnostics.push({ code, severity: 'error', resource, path: '', message });
    if (d.errors.length > 0) {
      for (const e of d.errors) error('SDEP_YAML_SYNTAX', `${file} document ${index}: ${syntaxMessage(e)}`);
      return;
    }
    let doc: unknown;
    try {
      doc = d.toJS({ maxAliasCount });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/alias/i.test(msg))
        error(
          'SDEP_YAML_ALIASES',
          `${file} document ${index}: refused: expands more than ${maxAliasCount} aliases (${msg})`,
        );
      else error('SDEP_YAML_SYNTAX', `${file} document ${index}: ${msg}`);
      return;
    }
    if (doc === null || doc === undefined) return; // an empty document, e.g. after a trailing `---`
    const shape = checkShape(doc);
    if (shape) {
      error(
        'SDEP_DOCUMENT_TOO_DEEP',
        `${file} document ${index}: refused: ${shape.kind === 'depth' ? `nests deeper than ${MAX_DEPTH} levels or refers to itself` : 'has too many values'}`,
      );
      return;
    }
    if (isPlainObject(doc) && meantAsSeldonDeployment(doc)) {
      // Clearly meant as a SeldonDeployment, but its header is broken: an error, not a skip.
      if (typeof doc.apiVersion !== 'string') {
        diagnostics.push({
          code: 'SDEP_API_VERSION',
          severity: 'error',
          resource,
          path: 'apiVersion',
          message: `${file} document ${index}: a SeldonDeployment needs apiVersion as a string, got ${JSON.stringify(doc.apiVersion) ?? 'nothing'}`,
        });
        return;
      }
      if (doc.kind !== 'SeldonDeployment') {
        // machinelearning.seldon.io (Seldon Core v1) defines one kind only
        diagnostics.push({
          code: 'SDEP_KIND',
          severity: 'error',
          resource,
          path: 'kind',
          message: `${file} document ${index}: apiVersion ${doc.apiVersion} needs kind: SeldonDeployment, got ${JSON.stringify(doc.kind) ?? 'nothing'}`,
        });
        return;
      }
    }
    if (!isPlainObject(doc) || typeof doc.kind !== 'string' || typeof doc.apiVersion !== 'string') {
      diagnostics.push({
        code: 'SDEP_NOT_A_RESOURCE',
        severity: 'warning',
        resource,
        path: '',
        message: `${file} document ${index} has no apiVersion and kind; skipped`,
      });
      return;
    }
    documents.push({ doc, source: { file, index }, apiVersion: doc.apiVersion, kind: doc.kind });
  });
  return { documents, diagnostics };
}

function meantAsSeldonDeployment(doc: Record<string, unknown>): boolean {
  return (
    doc.kind === 'SeldonDeployment' ||
    (typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('machinelearning.seldon.io/'))
  );
}
