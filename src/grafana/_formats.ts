import { FORMATS, Format } from '../common/formats';

/** Formats only the Grafana integration needs. */
export const GRAFANA_FORMATS = {
  /** Grafana's rule for datasource, dashboard and folder uids (`util.IsValidShortUID`, at most 40). */
  uid: { pattern: /^[a-zA-Z0-9_-]+$/, allowed: 'a Grafana uid (1-40 letters, digits, "-" and "_")', maxLength: 40 },
  labelKey: FORMATS.labelKey,
  /** A non-empty label value (the empty value is a valid label but selects nothing useful here). */
  nonEmptyLabelValue: {
    pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    allowed: 'a non-empty label value (alphanumerics, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters)',
    maxLength: 63,
  },
  /**
   * Display names of datasources and folders. No "/": the sidecar turns the folder annotation into
   * a directory path.
   */
  displayName: { pattern: /^[^\s/\\](?:[^/\\]*[^\s/\\])?$/, allowed: 'a non-empty name without "/" or "\\" and without surrounding spaces, at most 100 characters', maxLength: 100 },
  /** Span attribute names mapped to log labels. */
  spanAttribute: { pattern: /^[A-Za-z_][A-Za-z0-9_.-]*$/, allowed: 'a span attribute name such as "k8s.pod.name"', maxLength: 255 },
  /** Loki label names. */
  lokiLabel: { pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/, allowed: 'a Loki label name (letters, digits and "_", not starting with a digit)' },
  /** Base URL of the runbooks; each alert appends `#<anchor>`. */
  runbookBaseUrl: { pattern: /^https?:\/\/[^\s#]+$/, allowed: 'an http:// or https:// URL without spaces or "#" (each alert appends its own "#anchor")' },
} as const satisfies Record<string, Format>;
