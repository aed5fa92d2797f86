/** The receivers the collector runs. Each enabled receiver gets a container and Service port. */
export interface CollectorReceivers {
  /**
   * OTLP over gRPC on 4317 (Rocket.Chat's exporter).
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
   * @default true
   */
  readonly jaegerGrpc?: boolean;
  /**
   * Jaeger Thrift over HTTP on 14268.
   * @default true
   */
  readonly jaegerThriftHttp?: boolean;
  /**
   * Jaeger Thrift compact on 6831/UDP.
   * @default true
   */
  readonly jaegerThriftCompact?: boolean;
  /**
   * Zipkin on 9411.
   * @default true
   */
  readonly zipkin?: boolean;
  /**
   * OpenCensus. The collector removed its OpenCensus receiver (contrib 0.132); `true` is refused
   * with a pointer to OTLP.
   * @default false
   */
  readonly opencensus?: boolean;
}
