import { Document } from 'yaml';

/** One YAML document: no line folding, sequences flush with their key (as Go's yaml writes them). */
export function toYaml(value: unknown): string {
  return new Document(value).toString({ lineWidth: 0, indentSeq: false });
}

/** Objects as a `---`-separated YAML stream ('' for none). */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${toYaml(o)}`).join('');
}
