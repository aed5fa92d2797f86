/**
 * Escapes every `$` in the string values of a Grafana provisioning file as `$$`. Grafana expands
 * `$VAR`/`${VAR}` in every provisioned value (pkg/services/provisioning/values) and turns `$$`
 * into `$`, so `${__value.raw}` would otherwise become an empty environment variable. Dashboard
 * JSON files and the Grafana Operator's API calls are not expanded and must not be escaped.
 */
export function escapeForProvisioning<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map((v) => escapeForProvisioning(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeForProvisioning(v)])) as T;
  }
  return value;
}
