import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from '../../imports/cert-manager.io';
import { ValidationError, checkOneOf } from './errors';
import { FORMATS, checkFormat } from './formats';

/** A cert-manager issuer, referenced by the Certificates the constructs emit. */
export interface CertManagerIssuer {
  /** Name of the Issuer or ClusterIssuer. */
  readonly name: string;
  /**
   * `ClusterIssuer`, or `Issuer` in the namespace of the certificate. It must be one that puts
   * its CA into the Secret (`ca.crt`): the CA and Vault issuers do; ACME does not, and a self-signed issuer makes each certificate its own CA.
   * @default 'ClusterIssuer'
   */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
}

/**
 * Where a TLS server's certificate comes from: issued by cert-manager, or an existing Secret.
 * Give exactly one.
 */
export interface ServerTlsOptions {
  /**
   * cert-manager issues the certificate for the Service's DNS names (a `Certificate` whose
   * Secret is named after the Service, `<name>-tls`); it renews it a third of its lifetime
   * before expiry and the server reloads it from the mounted Secret.
   * @default - not issued by cert-manager; `secretName` is required
   */
  readonly certManager?: CertManagerIssuer;
  /**
   * An existing Secret in the same namespace with `tls.crt`, `tls.key` and `ca.crt` (the CA
   * clients verify the certificate with), valid for the Service's DNS names.
   * @default - the Secret of the cert-manager Certificate
   */
  readonly secretName?: string;
}

/** A CA certificate in a Secret: what a client mounts to verify a server. */
export interface TrustedCa {
  /** The Secret holding the CA certificate. */
  readonly secretName: string;
  /**
   * The key of the CA certificate in the Secret.
   * @default 'ca.crt'
   */
  readonly key?: string;
}

/** The key cert-manager (and `kubernetes.io/tls` Secrets carrying a chain) store the CA under. */
export const CA_KEY = 'ca.crt';
/** How often servers and clients re-read rotated certificate files. */
export const TLS_RELOAD_INTERVAL = '1h';
/** Lifetime of issued certificates (cert-manager renews at two thirds) and their key: a new one at every renewal, so a leaked key expires with its certificate. */
export const CERTIFICATE_POLICY = {
  duration: '2160h',
  renewBefore: '720h',
  privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
} as const;

export interface ResolvedServerTls {
  readonly secretName: string;
  readonly issuer?: Required<CertManagerIssuer>;
}

/** Validates `options` (under `prop`) for a server whose Service is `serviceName`. */
export function resolveServerTls(prop: string, options: ServerTlsOptions, serviceName: string): ResolvedServerTls {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(`${prop} must be an object with certManager or secretName, got ${JSON.stringify(options)}`);
  }
  const given = (['certManager', 'secretName'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new ValidationError(
      `${prop} needs exactly one of certManager (cert-manager issues the certificate) or secretName (an existing Secret with tls.crt, tls.key and ca.crt), got ${given.length ? given.join(' and ') : 'neither'}`,
    );
  }
  if (options.secretName !== undefined) return { secretName: checkFormat(`${prop}.secretName`, options.secretName, FORMATS.dnsSubdomain) };
  const issuer = options.certManager as CertManagerIssuer;
  return {
    secretName: `${serviceName}-tls`,
    issuer: {
      name: checkFormat(`${prop}.certManager.name`, issuer.name, FORMATS.dnsSubdomain),
      kind: checkOneOf(`${prop}.certManager.kind`, issuer.kind ?? 'ClusterIssuer', ['ClusterIssuer', 'Issuer'] as const),
    },
  };
}

export function resolveTrustedCa(prop: string, ca: TrustedCa): Required<TrustedCa> {
  return {
    secretName: checkFormat(`${prop}.secretName`, ca.secretName, FORMATS.dnsSubdomain),
    key: checkFormat(`${prop}.key`, ca.key ?? CA_KEY, FORMATS.secretKey),
  };
}

/** Every name a client in the cluster may use for the Service. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

/** The cert-manager Certificate of a server, when cert-manager issues it. */
export function addServerCertificate(
  scope: Construct,
  tls: ResolvedServerTls,
  metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> },
  dnsNames: readonly string[],
  id = 'Certificate',
): Certificate | undefined {
  if (!tls.issuer) return undefined;
  return new Certificate(scope, id, {
    metadata: { name: metadata.name, namespace: metadata.namespace, labels: { ...metadata.labels } },
    spec: {
      secretName: tls.secretName,
      issuerRef: { name: tls.issuer.name, kind: tls.issuer.kind, group: 'cert-manager.io' },
      dnsNames: [...dnsNames],
      ...CERTIFICATE_POLICY,
      privateKey: { ...CERTIFICATE_POLICY.privateKey },
      usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
      secretTemplate: { labels: { ...metadata.labels } },
    },
  });
}

/** A volume projecting only the CA certificate of a Secret, as `ca.crt`. */
export function caVolume(name: string, ca: Required<TrustedCa>): k8s.Volume {
  return { name, secret: { secretName: ca.secretName, items: [{ key: ca.key, path: CA_KEY }] } };
}
