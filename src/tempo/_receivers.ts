import { PortSpec, TRACE_PROTOCOL_PORTS } from '../common/ports';
import { TempoReceivers } from './receivers';

export type ReceiverName = keyof TempoReceivers;

/** Receiver ports, in the order they appear in Services and containers. */
export const RECEIVER_PORTS: Readonly<Record<ReceiverName, PortSpec>> = TRACE_PROTOCOL_PORTS;

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
