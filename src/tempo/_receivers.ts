import { TempoReceivers } from './receivers';

export type ReceiverName = keyof TempoReceivers;

/** A network port with everything a container port and a Service port need. */
export interface PortSpec {
  /** Port name, at most 15 characters (IANA_SVC_NAME). */
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Application protocol for Service meshes and Gateways; none for raw UDP. */
  readonly appProtocol?: string;
}

/** Receiver ports, in the order they appear in Services and containers. */
export const RECEIVER_PORTS: Readonly<Record<ReceiverName, PortSpec>> = {
  otlpGrpc: { name: 'otlp-grpc', port: 4317, protocol: 'TCP', appProtocol: 'grpc' },
  otlpHttp: { name: 'otlp-http', port: 4318, protocol: 'TCP', appProtocol: 'http' },
  jaegerGrpc: { name: 'jaeger-grpc', port: 14250, protocol: 'TCP', appProtocol: 'grpc' },
  jaegerThriftHttp: { name: 'jaeger-http', port: 14268, protocol: 'TCP', appProtocol: 'http' },
  jaegerThriftCompact: { name: 'jaeger-compact', port: 6831, protocol: 'UDP' },
  jaegerThriftBinary: { name: 'jaeger-binary', port: 6832, protocol: 'UDP' },
  zipkin: { name: 'zipkin', port: 9411, protocol: 'TCP', appProtocol: 'http' },
};

/** Tempo's own ports: HTTP API (query, /ready, /metrics) and internal gRPC. */
export const SERVER_PORTS = {
  http: { name: 'http', port: 3200, protocol: 'TCP', appProtocol: 'http' },
  grpc: { name: 'grpc', port: 9095, protocol: 'TCP', appProtocol: 'grpc' },
} as const satisfies Record<string, PortSpec>;

export const DEFAULT_RECEIVERS: Required<TempoReceivers> = {
  otlpGrpc: true,
  otlpHttp: true,
  jaegerGrpc: false,
  jaegerThriftHttp: false,
  jaegerThriftCompact: false,
  jaegerThriftBinary: false,
  zipkin: false,
};
