import * as grpc from '@grpc/grpc-js';

// The protobuf types the exporter itself encodes with: decoding with them checks the wire format.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { opentelemetry: proto } = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = proto.proto.collector.trace.v1;

export interface ReceivedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly parentSpanId: string;
  readonly attributes: Record<string, unknown>;
  readonly resource: Record<string, unknown>;
}

/** A loopback OTLP gRPC trace receiver: what the collector's otlp receiver is to Rocket.Chat. */
export class OtlpGrpcReceiver {
  public readonly spans: ReceivedSpan[] = [];
  private readonly server = new grpc.Server();
  private port = 0;

  /** With `tls`, the receiver serves that certificate (valid for 127.0.0.1). */
  constructor(private readonly tls?: { readonly key: Buffer; readonly cert: Buffer }) {}

  public async start(): Promise<void> {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: (r: any) => Buffer.from(ExportTraceServiceRequest.encode(r).finish()),
        requestDeserialize: (b: Buffer) => ExportTraceServiceRequest.decode(b),
        responseSerialize: (r: any) => Buffer.from(ExportTraceServiceResponse.encode(r).finish()),
        responseDeserialize: (b: Buffer) => ExportTraceServiceResponse.decode(b),
      },
    };
    this.server.addService(definition, {
      Export: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        this.record(call.request);
        callback(null, ExportTraceServiceResponse.create({}));
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', this.credentials(), (error, port) => (error ? reject(error) : resolve(port))),
    );
  }

  private credentials(): grpc.ServerCredentials {
    if (!this.tls) return grpc.ServerCredentials.createInsecure();
    return grpc.ServerCredentials.createSsl(null, [{ private_key: this.tls.key, cert_chain: this.tls.cert }], false);
  }

  /** The endpoint to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  public get endpoint(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private record(request: any): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = attributeMap(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({
            name: span.name,
            traceId: Buffer.from(span.traceId).toString('hex'),
            parentSpanId: Buffer.from(span.parentSpanId ?? []).toString('hex'),
            attributes: attributeMap(span.attributes),
            resource,
          });
        }
      }
    }
  }
}

function attributeMap(attributes: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    out[key] = value.stringValue ?? value.intValue?.toString() ?? value.boolValue ?? value.doubleValue ?? value.arrayValue;
  }
  return out;
}
