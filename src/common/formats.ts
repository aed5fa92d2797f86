import { describeValue, ValidationError } from './errors';

/**
 * A string format shared by the construct validation and the config file schema, so both accept
 * exactly the same values and describe them the same way.
 */
export interface Format {
  /** The whole value must match. */
  readonly pattern: RegExp;
  /** What is allowed, completing "must be …" in error messages. */
  readonly allowed: string;
  readonly maxLength?: number;
}

const format = (pattern: RegExp, allowed: string, maxLength?: number): Format => ({ pattern, allowed, maxLength });

export const FORMATS = {
  /** Namespaces and other RFC 1123 labels. */
  dnsLabel: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters)', 63),
  /** Service names are RFC 1035 labels: they must start with a letter. */
  serviceName: format(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'an RFC 1035 label (lowercase letters, digits and "-", starting with a letter, ending alphanumeric, at most 40 characters)', 40),
  /** Secret and StorageClass names. */
  dnsSubdomain: format(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'an RFC 1123 subdomain (lowercase labels separated by ".", at most 253 characters)',
    253,
  ),
  /** Keys inside a Secret. */
  secretKey: format(/^[-._a-zA-Z0-9]+$/, 'a Secret key (letters, digits, "-", "_" and ".", at most 253 characters)', 253),
  /** Kubernetes label values. */
  labelValue: format(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'a label value (alphanumerics, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters)', 63),
  /**
   * Retention. Tempo reads it both as a Go duration (server config) and as a Prometheus duration
   * (overrides); only whole hours, minutes and seconds in that order satisfy both.
   */
  retention: format(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, 'a duration in whole hours, minutes and seconds such as "168h" or "72h30m" (no "d", no fractions)'),
  /** Prometheus durations, as the prometheus-operator CRDs validate them. */
  prometheusDuration: format(/^(?=\d)((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/, 'a Prometheus duration such as "30s" or "1m" (units y w d h m s ms, in that order)'),
  /** Memory and storage quantities. */
  quantity: format(/^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, 'a Kubernetes quantity such as "1Gi", "512Mi" or "500M"'),
  cpu: format(/^([0-9]+(\.[0-9]+)?|[0-9]+m)$/, 'a CPU quantity such as "500m" or "1"'),
  /** Plain http(s) URLs; no "$", which Tempo's env expansion would rewrite. */
  httpUrl: format(/^https?:\/\/[^\s$]+$/, 'an http:// or https:// URL without spaces or "$"'),
  hostname: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'a lowercase host name such as "blob.core.windows.net"', 253),
  hostPort: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:\d{1,5})?$/, 'a host[:port] without a scheme, e.g. "s3.eu-west-1.amazonaws.com" (set insecure for plain HTTP)', 253),
  hostAndPort: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*:([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/, 'host:port without a scheme, e.g. "tempo.monitoring.svc:4317"', 253),
  /** A non-empty resource attribute value without characters YAML or PromQL users trip over. */
  attributeValue: format(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a non-empty value of letters, digits, "-", "_" and "." (at most 63 characters)', 63),
  /** Kubernetes label keys: an optional DNS-subdomain prefix and a name of at most 63 characters. */
  labelKey: format(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    'a label key such as "dashboards" or "example.com/grafana"',
    317,
  ),
  /** IPv4 address ranges for NetworkPolicy ipBlocks. */
  ipv4Cidr: format(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/, 'an IPv4 CIDR such as "10.0.0.1/32"'),
  /** OpenTelemetry attribute names: lowercase dotted segments such as "k8s.cluster.name". */
  attributeKey: format(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'a lowercase dotted attribute name such as "k8s.cluster.name"', 100),
  /**
   * Tempo tenant ids (the X-Scope-OrgID header). A subset of what Tempo accepts: no "*" (the
   * overrides wildcard) or "|" (which joins tenants in cross-tenant queries).
   */
  tenantId: format(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, 'a tenant id (lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters)', 63),
  /** Kafka topic names. */
  kafkaTopic: format(/^[a-zA-Z0-9._-]+$/, 'a Kafka topic name (letters, digits, ".", "_" and "-", at most 249 characters)', 249),
  /** Helm release names (Helm refuses longer ones: names derived from them must fit 63 characters). */
  helmRelease: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'a Helm release name (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 53 characters)', 53),
  /** Release versions such as "7.13.1" or "8.0.0-rc.1". */
  releaseVersion: format(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a release version such as "7.13.1"', 63),
  azureStorageAccount: format(/^[a-z0-9]{3,24}$/, 'an Azure storage account name (3-24 lowercase letters and digits)'),
  azureContainer: format(/^(?=.{3,63}$)[a-z0-9](-?[a-z0-9])*$/, 'an Azure blob container name (3-63 lowercase letters, digits and single "-", starting and ending alphanumeric)'),
  bucket: format(/^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'a bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending alphanumeric)'),
  awsRegion: format(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as "eu-west-1"'),
  uuid: format(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a client id (UUID) such as "00000000-0000-0000-0000-000000000000"'),
  iamRoleArn: format(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN such as "arn:aws:iam::123456789012:role/tempo"'),
  gcpServiceAccount: format(/^[a-z][-a-z0-9]{4,28}[a-z0-9]@[-a-z0-9.]+\.iam\.gserviceaccount\.com$/, 'a Google service account email such as "tempo-sa@my-project.iam.gserviceaccount.com"'),
} as const;

/** True when `value` is a string of `f`'s format. */
export function matches(f: Format, value: unknown): value is string {
  return typeof value === 'string' && f.pattern.test(value) && (f.maxLength === undefined || value.length <= f.maxLength);
}

/** Returns `value` when it has format `f`; otherwise throws `<prop> must be <allowed>, got <value>`. */
export function checkFormat(prop: string, value: unknown, f: Format): string {
  if (!matches(f, value)) throw new ValidationError(`${prop} must be ${f.allowed}, got ${describeValue(value)}`);
  return value;
}
