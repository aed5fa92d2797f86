import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { checkOneOf, invalidProp, optionalBoolean } from './errors';
import { definedOnly } from './objects';

/** A network port with everything a container port and a Service port need. */
export interface PortSpec {
  /** Port name, at most 15 characters (IANA_SVC_NAME). */
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Application protocol for Service meshes and Gateways; none for raw UDP. */
  readonly appProtocol?: string;
}

/** A Service port targeting the container port of the same name. */
export function servicePort(p: PortSpec): k8s.ServicePort {
  return {
    name: p.name,
    port: p.port,
    targetPort: k8s.IntOrString.fromString(p.name),
    protocol: p.protocol,
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  };
}

export function containerPort(p: PortSpec): k8s.ContainerPort {
  return { name: p.name, containerPort: p.port, protocol: p.protocol };
}

/** Hex SHA-256 of a rendered config, for a pod-template annotation that rolls pods on change. */
export function configChecksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Standard ports of the trace protocols, shared by every component that receives them. */
export const TRACE_PROTOCOL_PORTS = {
  otlpGrpc: { name: 'otlp-grpc', port: 4317, protocol: 'TCP', appProtocol: 'grpc' },
  otlpHttp: { name: 'otlp-http', port: 4318, protocol: 'TCP', appProtocol: 'http' },
  jaegerGrpc: { name: 'jaeger-grpc', port: 14250, protocol: 'TCP', appProtocol: 'grpc' },
  jaegerThriftHttp: { name: 'jaeger-http', port: 14268, protocol: 'TCP', appProtocol: 'http' },
  jaegerThriftCompact: { name: 'jaeger-compact', port: 6831, protocol: 'UDP' },
  jaegerThriftBinary: { name: 'jaeger-binary', port: 6832, protocol: 'UDP' },
  zipkin: { name: 'zipkin', port: 9411, protocol: 'TCP', appProtocol: 'http' },
} as const satisfies Record<string, PortSpec>;

/**
 * Resolves receiver switches against their defaults: unknown names and non-boolean switches are
 * refused, and at least one receiver must stay on. `enabled` follows the order of `defaults`.
 */
export function resolveReceiverSwitches<N extends string>(
  given: Partial<Record<N, boolean>> | undefined,
  defaults: Readonly<Record<N, boolean>>,
): { switches: Record<N, boolean>; enabled: N[] } {
  const names = Object.keys(defaults) as N[];
  const switches = { ...defaults, ...definedOnly(given ?? {}) } as Record<N, boolean>;
  for (const [name, on] of Object.entries(switches)) {
    checkOneOf('receivers key', name, names);
    optionalBoolean(`receivers.${name}`, on, false);
  }
  const enabled = names.filter((n) => switches[n]);
  if (enabled.length === 0) invalidProp('receivers', 'a selection with at least one receiver enabled', given);
  return { switches, enabled };
}

/** A ReadWriteOnce volume claim template for a StatefulSet. */
export function volumeClaimTemplate(name: string, labels: Record<string, string>, size: string, storageClassName?: string): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(size) } },
    },
  };
}

/** The same port served over TLS: HTTP becomes `https` for meshes and Gateways. */
export function overTls(p: PortSpec): PortSpec {
  return p.appProtocol === 'http' ? { ...p, appProtocol: 'https' } : p;
}

/** The UDP ports among `ports`, which TLS cannot cover. */
export function udpPorts(ports: readonly PortSpec[]): PortSpec[] {
  return ports.filter((p) => p.protocol === 'UDP');
}

/** `host:port` (already validated) split into its host and numeric port. */
export function splitHostPort(endpoint: string): [string, number] {
  const i = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, i), Number(endpoint.slice(i + 1))];
}
