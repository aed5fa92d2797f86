/** The trace receivers Tempo's distributor can run, with their well-known ports. */
export interface TempoReceivers {
  /**
   * OTLP over gRPC on 4317.
   * @default true
   */
  readonly otlpGrpc?: boolean;
  /**
   * OTLP over HTTP on 4318.
   * @default true
   */
  readonly otlpHttp?: boolean;
  /**
   * Jaeger gRPC on 14250.
   * @default false (the collector ingests Jaeger and forwards OTLP)
   */
  readonly jaegerGrpc?: boolean;
  /**
   * Jaeger Thrift over HTTP on 14268.
   * @default false
   */
  readonly jaegerThriftHttp?: boolean;
  /**
   * Jaeger Thrift compact on 6831/UDP.
   * @default false
   */
  readonly jaegerThriftCompact?: boolean;
  /**
   * Jaeger Thrift binary on 6832/UDP.
   * @default false
   */
  readonly jaegerThriftBinary?: boolean;
  /**
   * Zipkin on 9411.
   * @default false (the collector ingests Zipkin and forwards OTLP)
   */
  readonly zipkin?: boolean;
}
