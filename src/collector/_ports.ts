import { PortSpec, TRACE_PROTOCOL_PORTS } from '../common/ports';
import { CollectorReceivers } from './receivers';

export type CollectorReceiverName = Exclude<keyof CollectorReceivers, 'opencensus'>;

/** Receiver ports, in the order they appear in the Service and the container. */
export const RECEIVER_PORTS: Readonly<Record<CollectorReceiverName, PortSpec>> = {
  otlpGrpc: TRACE_PROTOCOL_PORTS.otlpGrpc,
  otlpHttp: TRACE_PROTOCOL_PORTS.otlpHttp,
  jaegerGrpc: TRACE_PROTOCOL_PORTS.jaegerGrpc,
  jaegerThriftHttp: TRACE_PROTOCOL_PORTS.jaegerThriftHttp,
  jaegerThriftCompact: TRACE_PROTOCOL_PORTS.jaegerThriftCompact,
  zipkin: TRACE_PROTOCOL_PORTS.zipkin,
};

export const DEFAULT_RECEIVERS: Readonly<Record<CollectorReceiverName, boolean>> = {
  otlpGrpc: true,
  otlpHttp: true,
  jaegerGrpc: true,
  jaegerThriftHttp: true,
  jaegerThriftCompact: true,
  zipkin: true,
};

/** The collector's own ports: Prometheus self-metrics (Service) and health_check (probes only). */
export const METRICS_PORT: PortSpec = { name: 'metrics', port: 8888, protocol: 'TCP', appProtocol: 'http' };
export const HEALTH_PORT: PortSpec = { name: 'health', port: 13133, protocol: 'TCP', appProtocol: 'http' };
