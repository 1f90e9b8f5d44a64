/** RFC 1123 label: what Kubernetes requires of namespaces and of the Service/Deployment names sdep derives. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Undefined when valid, else the reason. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return `must be at most 63 characters (has ${name.length})`;
  if (!LABEL.test(name))
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}
