import { Chart, Testing } from 'cdk8s';
import { CollectorSampling, OtelCollector, TempoStack } from '../../src';
import { GrafanaTracingIntegration, GrafanaTracingIntegrationProps } from '../../src/grafana/grafana-tracing-integration';
import type { K8sObject } from '../util';

export interface Synthesized {
  readonly integration: GrafanaTracingIntegration;
  readonly objects: K8sObject[];
}

/**
 * A chart with the stack's Tempo and collector in `monitoring` and the integration reading them.
 * The collector keeps every trace unless told otherwise, so span metrics are the requests as they are.
 */
export function synthIntegration(props: Partial<GrafanaTracingIntegrationProps> = {}, tempoVersion = '3.0.3', sampling: CollectorSampling = { type: 'none' }): Synthesized {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  const tempo = new TempoStack(chart, 'Tempo', { version: tempoVersion });
  const collector = new OtelCollector(chart, 'Collector', { traceBackend: tempo, sampling });
  const integration = new GrafanaTracingIntegration(chart, 'Grafana', { tempo, collector, ...props });
  return { integration, objects: Testing.synth(chart) as K8sObject[] };
}

/** Builds the integration alone (for bad-input cases). */
export function buildIntegration(props: Partial<GrafanaTracingIntegrationProps>): GrafanaTracingIntegration {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  const tempo = { queryUrl: 'http://tempo.monitoring.svc:3200', serviceName: 'tempo', namespace: 'monitoring' };
  const collector = { serviceName: 'otel-collector', namespace: 'monitoring' };
  return new GrafanaTracingIntegration(chart, 'Grafana', { tempo, collector, ...props });
}

export function grafanaObjects(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'grafana-tracing-integration');
}
