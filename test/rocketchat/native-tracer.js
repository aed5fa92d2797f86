// Starts tracing the way Rocket.Chat's server does (packages/tracing startTracing): the gate on
// TRACING_ENABLED, NodeSDK with a fixed service name and no auto-instrumentation, an OTLP gRPC
// exporter configured only by the environment, one batch span processor. Then it records:
//   - a root span (like the REST API span), and
//   - a span whose parent arrives through propagation (like a broker action in a microservice).
// Usage: node native-tracer.js <service name> <traceparent of a remote parent> <sdk-node module> <grpc exporter module>
'use strict';
const { context, propagation, trace } = require('@opentelemetry/api');

const [service, remoteTraceparent, sdkModule, exporterModule] = process.argv.slice(2);
const { OTLPTraceExporter } = require(exporterModule);
const { NodeSDK, tracing } = require(sdkModule);

const { BatchSpanProcessor } = tracing;

if (!['yes', 'true'].includes(String(process.env.TRACING_ENABLED).toLowerCase())) {
  process.stdout.write('tracing disabled\n');
  process.exit(0);
}

const exporter = new OTLPTraceExporter();
const sdk = new NodeSDK({
  traceExporter: exporter,
  instrumentations: [],
  serviceName: service,
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
sdk.start();
const tracer = trace.getTracer(service);

tracer.startActiveSpan('GET /api/v1/info', { attributes: { long: 'x'.repeat(10000) } }, (span) => span.end());
const parent = propagation.extract(context.active(), { traceparent: remoteTraceparent });
tracer.startActiveSpan('action presence:updateUserPresence', {}, parent, (span) => span.end());

sdk.shutdown().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`shutdown failed: ${error}\n`);
    process.exit(1);
  },
);
