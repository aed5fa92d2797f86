import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ValidationError } from '../../src';
import { GrafanaTracingIntegration, GrafanaTracingIntegrationProps } from '../../src/grafana/grafana-tracing-integration';
import { ALERT_NAMES } from '../../src/grafana/_alerts';
import { COLLECTOR_METRICS, KUBELET_METRICS, SERVICE_GRAPH, SPAN_METRICS, TEMPO_METRICS } from '../../src/grafana/_metrics';
import { K8sObject, findObject } from '../util';
import { validateObjects } from '../validate-objects';
import { metricNames, promqlExpressions } from './expressions';
import { buildIntegration, grafanaObjects, synthIntegration } from './fixtures';
import { sdkShapeProblems } from './sdk-shape';

const README = 'https://www.npmjs.com/package/rocketchat-tracing';

/** Grafana's expansion of a provisioned value: `$$` is a literal `$`, any other `$` would be an environment variable. */
function grafanaExpand(value: unknown, path = ''): unknown {
  if (typeof value === 'string') {
    const parts = value.split('$$');
    for (const part of parts) if (part.includes('$')) throw new Error(`${path}: unescaped "$" Grafana would expand: ${value}`);
    return parts.join('$');
  }
  if (Array.isArray(value)) return value.map((v, i) => grafanaExpand(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, grafanaExpand(v, `${path}.${k}`)]));
  return value;
}

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const datasourceFile = (objects: K8sObject[]) => {
  const cm = findObject(objects, 'ConfigMap', 'rocketchat-tracing-grafana-datasources');
  const [text] = Object.values(cm.data as Record<string, string>);
  return { cm, text, file: parse(text) };
};

/** Every datasource reference of a dashboard: panels, targets and variables. */
function datasourceRefs(model: any): { where: string; type?: string; uid?: string }[] {
  const refs: { where: string; type?: string; uid?: string }[] = [];
  for (const v of model.templating?.list ?? []) refs.push({ where: `variable ${v.name}`, ...v.datasource });
  for (const p of model.panels ?? []) {
    if (p.type === 'row') continue;
    refs.push({ where: `panel ${p.title}`, ...p.datasource });
    for (const t of p.targets ?? []) refs.push({ where: `panel ${p.title} target ${t.refId}`, ...t.datasource });
  }
  return refs;
}

describe('sidecar delivery (default)', () => {
  const { integration, objects } = synthIntegration();
  const { cm, text, file } = datasourceFile(objects);
  const dashboardMaps = ofKind(objects, 'ConfigMap').filter((o) => o.metadata.labels?.grafana_dashboard === '1');
  const parsedDashboards = dashboardMaps.map((o) => JSON.parse(Object.values(o.data as Record<string, string>)[0]));
  const byUid = Object.fromEntries(parsedDashboards.map((d) => [d.uid, d]));

  test('snapshot', () => {
    expect(grafanaObjects(objects)).toMatchSnapshot();
  });

  test('every object is valid: Kubernetes models, the PrometheusRule model, API server rules', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(grafanaObjects(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/rocketchat-tracing-grafana-datasources',
      'ConfigMap/grafana-dashboard-rocketchat-tracing',
      'ConfigMap/grafana-dashboard-tracing-pipeline',
      'PrometheusRule/rocketchat-tracing-alerts',
    ]);
  });

  test('the datasource ConfigMap carries the sidecar label in the Grafana namespace', () => {
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(cm.metadata.labels).toMatchObject({ grafana_datasource: '1', 'app.kubernetes.io/part-of': 'rocketchat-tracing', 'app.kubernetes.io/component': 'datasources' });
    expect(Object.keys(cm.data)).toEqual(['rocketchat-tracing-datasources.yaml']);
    expect(file.apiVersion).toBe(1);
    expect(file.datasources.map((d: any) => [d.type, d.uid])).toEqual([['tempo', 'tempo']]);
  });

  test('Tempo datasource: URL from TempoStack, every correlation, current keys only', () => {
    const tempo = grafanaExpand(file.datasources[0]) as any;
    expect(tempo).toMatchObject({ name: 'Tempo', type: 'tempo', uid: 'tempo', url: 'http://tempo.monitoring.svc:3200', access: 'proxy', isDefault: false, editable: false });
    expect(integration.tempoDatasourceUid).toBe('tempo');
    const j = tempo.jsonData;
    expect(Object.keys(j).sort()).toEqual(['nodeGraph', 'search', 'serviceMap', 'streamingEnabled', 'traceQuery', 'tracesToLogsV2', 'tracesToMetrics']);
    expect(j.tracesToLogsV2).toEqual({
      datasourceUid: 'loki',
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
      tags: [{ key: 'k8s.namespace.name', value: 'namespace' }, { key: 'k8s.pod.name', value: 'pod' }],
      // Off by default: Rocket.Chat writes no trace id into its logs.
      filterByTraceID: false,
      filterBySpanID: false,
    });
    const filtered = buildIntegration({ lokiDatasource: { filterByTraceId: true } }).datasources[0].jsonData as any;
    expect(filtered.tracesToLogsV2.filterByTraceID).toBe(true);
    expect(j.tracesToMetrics.datasourceUid).toBe('prometheus');
    expect(j.tracesToMetrics.tags).toEqual([{ key: 'service.name', value: 'service' }]);
    expect(j.tracesToMetrics.queries.map((q: any) => q.name)).toEqual(['Request rate', 'Error ratio', 'p50 latency', 'p95 latency', 'p99 latency']);
    for (const q of j.tracesToMetrics.queries) expect(q.query).toContain('$__tags}');
    expect(j.tracesToMetrics.queries[4].query).toBe('histogram_quantile(0.99, sum by (le) (rate(traces_spanmetrics_latency_bucket{$__tags}[$__rate_interval])))');
    expect(j.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(j.nodeGraph).toEqual({ enabled: true });
    expect(j.search).toEqual({ hide: false });
    expect(j.traceQuery).toEqual({ timeShiftEnabled: true, spanStartTimeShift: '-30m', spanEndTimeShift: '30m' });
    expect(j.streamingEnabled).toEqual({ search: true, metrics: true });
  });

  test('provisioning file: every "$" escaped as "$$", and Grafana\'s expansion gives back the datasources', () => {
    expect(text).toContain('$$__tags');
    expect(text).toContain('[$$__rate_interval]');
    expect(text.replace(/\$\$/g, '')).not.toContain('$');
    expect(grafanaExpand(file.datasources)).toEqual(JSON.parse(JSON.stringify(integration.datasources)));
  });

  test('dashboard ConfigMaps: sidecar label, folder annotation, JSON identical to the SDK-built dashboards, no "$$"', () => {
    expect(dashboardMaps.map((o) => o.metadata.name)).toEqual(['grafana-dashboard-rocketchat-tracing', 'grafana-dashboard-tracing-pipeline']);
    for (const o of dashboardMaps) {
      expect(o.metadata.namespace).toBe('monitoring');
      expect(o.metadata.annotations).toEqual({ grafana_folder: 'Rocket.Chat tracing' });
      const [key, json] = Object.entries(o.data as Record<string, string>)[0];
      expect(key).toBe(`${JSON.parse(json).uid}.json`);
      // Dashboard files are not environment-expanded: Grafana variables keep one "$".
      expect(json).not.toContain('$$');
      expect(json).toContain('$__rate_interval');
    }
    expect(parsedDashboards).toEqual(JSON.parse(JSON.stringify(integration.dashboards)));
  });

  test('dashboard JSON round-trips through the foundation SDK types', () => {
    const schemaVersion = new DashboardBuilder('probe').build().schemaVersion;
    for (const d of parsedDashboards) {
      expect(sdkShapeProblems(d)).toEqual([]);
      expect(d.schemaVersion).toBe(schemaVersion);
    }
  });

  test('every datasource a dashboard references is provisioned (Tempo here, Prometheus by kube-prometheus-stack with that uid)', () => {
    const provided = new Map([
      ['tempo', integration.tempoDatasourceUid],
      ['prometheus', integration.kubePrometheusStackValues.grafana!.sidecar.datasources!.uid!],
    ]);
    expect(provided.get('prometheus')).toBe(integration.prometheusDatasourceUid);
    for (const d of parsedDashboards) {
      for (const ref of datasourceRefs(d)) {
        expect([ref.where, ref.uid]).toEqual([ref.where, provided.get(ref.type ?? '')]);
      }
    }
  });

  test('overview: service and operation variables, TraceQL tables, RED by service, quantiles, service graph, top operations', () => {
    const d = byUid['rocketchat-tracing'];
    expect(d.title).toBe('Rocket.Chat tracing');
    expect(d.templating.list.map((v: any) => [v.name, v.multi, v.includeAll, v.allValue])).toEqual([
      ['service', true, true, '.*'],
      ['operation', true, true, '.*'],
    ]);
    const panels = d.panels.filter((p: any) => p.type !== 'row');
    expect(panels.map((p: any) => [p.type, p.title])).toEqual([
      ['table', 'Traces with errors'],
      ['table', 'Slow traces'],
      ['timeseries', 'Request rate'],
      ['timeseries', 'Error %'],
      ['stat', 'Success % over the time range'],
      ['timeseries', 'Latency p50 / p95 / p99'],
      ['nodeGraph', 'Service graph'],
      ['timeseries', 'Calls between services'],
      ['timeseries', 'Server latency p95 between services'],
      ['table', 'Slowest operations (p95)'],
      ['table', 'Operations with most errors'],
    ]);
    // A `traces` panel shows one trace: search results belong in tables.
    expect(panels.some((p: any) => p.type === 'traces')).toBe(false);
    expect(panels[0].targets[0]).toMatchObject({ queryType: 'traceql', tableType: 'traces', limit: 20, query: '{ resource.service.name =~ "${service:pipe}" && name =~ "${operation:pipe}" && status = error }' });
    expect(panels[1].targets[0].query).toContain('duration > 2s');
    expect(panels[6].targets[0]).toMatchObject({ queryType: 'serviceMap' });
    expect(panels[5].targets.map((t: any) => t.expr)).toEqual([0.5, 0.95, 0.99].map(
      (q) => `histogram_quantile(${q}, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER", service=~"$service", span_name=~"$operation"}[$__rate_interval])))`,
    ));
    expect(panels[5].targets.map((t: any) => t.exemplar)).toEqual([false, false, true]);
    const ids = d.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('pipeline: collector spans in/refused/out, queue fill, Tempo ingestion and its limits, generator, volume', () => {
    const d = byUid['tracing-pipeline'];
    expect(d.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title)).toEqual([
      'Spans received and refused',
      'Spans exported and failed',
      'Exporter queue fill',
      'Processor items in and out',
      'Spans received and discarded by Tempo',
      'Ingestion rate and its limit',
      'Live traces and their limit',
      'Metrics-generator spans',
      'Metrics-generator series and their limit',
      'Tempo data volume fill',
    ]);
    const exprs = d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)).join('\n');
    expect(exprs).toContain('otelcol_receiver_accepted_spans{namespace="monitoring", job="otel-collector"}');
    expect(exprs).toContain('tempo_distributor_spans_received_total{namespace="monitoring", job="tempo"}');
    expect(exprs).toContain('persistentvolumeclaim=~"data-tempo-[0-9]+"');
    // Tempo 3.0 keeps live traces in the live-store, 2.10 in the ingester: either series answers.
    expect(exprs).toContain('sum(tempo_live_store_live_traces{namespace="monitoring", job="tempo"}) or sum(tempo_ingester_live_traces{namespace="monitoring", job="tempo"})');
  });

  test('latency is always a quantile of bucket rates, never a sum of buckets', () => {
    const bucketExprs = promqlExpressions(integration).filter((e) => e.expr.includes('_bucket'));
    expect(bucketExprs.length).toBeGreaterThan(5);
    for (const { where, expr } of bucketExprs) expect([where, /^(topk\(10, )?histogram_quantile\(0\.\d+, sum by \(le[,)]/.test(expr)]).toEqual([where, true]);
  });

  test('only metric names verified upstream are queried', () => {
    const known = new Set<string>([SPAN_METRICS, SERVICE_GRAPH, COLLECTOR_METRICS, TEMPO_METRICS, KUBELET_METRICS].flatMap((m) => Object.values(m)));
    const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
    const exprs = [...promqlExpressions(integration).map((e) => e.expr), ...rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr))];
    const used = new Set(exprs.flatMap(metricNames));
    expect([...used].filter((m) => !known.has(m))).toEqual([]);
    // Everything but the receiver/processor detail is used somewhere.
    expect(used.size).toBeGreaterThanOrEqual(known.size - 1);
  });

  test('PrometheusRule: release label, one rule per alert with severity, summary, description and runbook link', () => {
    const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
    expect(rule.metadata.namespace).toBe('monitoring');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/component': 'alerts' });
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    expect(rules.map((r: any) => r.alert)).toEqual([...ALERT_NAMES]);
    for (const r of rules) {
      expect(['critical', 'warning']).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(r.annotations.runbook_url).toBe(`${README}#${r.alert.toLowerCase()}`);
    }
    expect(integration.runbookUrls.TempoStorageNearFull).toBe(`${README}#tempostoragenearfull`);
  });

  test('kube-prometheus-stack values: remote write and exemplars, Prometheus exemplar links, folders, Loki entry with "$$"', () => {
    expect(integration.kubePrometheusStackValues).toEqual({
      prometheus: { prometheusSpec: { enableRemoteWriteReceiver: true, enableFeatures: ['exemplar-storage'] } },
      grafana: {
        sidecar: {
          datasources: { uid: 'prometheus', exemplarTraceIdDestinations: { datasourceUid: 'tempo', traceIdLabelName: 'traceID', urlDisplayLabel: 'View trace' } },
          dashboards: { folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true } },
        },
        additionalDataSources: [
          {
            name: 'Loki',
            type: 'loki',
            uid: 'loki',
            url: 'http://loki-gateway.monitoring.svc',
            access: 'proxy',
            isDefault: false,
            editable: false,
            jsonData: {
              derivedFields: [
                { name: 'TraceID', matcherRegex: '(?:traceI[dD]|trace_id)["\']?\\s*[=:]\\s*["\']?([0-9a-fA-F]{32})', datasourceUid: 'tempo', url: '$${__value.raw}', urlDisplayLabel: 'View trace' },
              ],
            },
          },
        ],
      },
    });
  });

  test('the default trace-id pattern finds ids in JSON and logfmt log lines', () => {
    const pattern = new RegExp((integration.kubePrometheusStackValues.grafana!.additionalDataSources![0].jsonData as any).derivedFields[0].matcherRegex);
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (const line of [`{"level":30,"traceId":"${id}","msg":"x"}`, `level=info trace_id=${id} msg=x`, `traceID: ${id}`]) {
      expect(pattern.exec(line)?.[1]).toBe(id);
    }
  });
});

describe('what the queries assume about the other constructs', () => {
  const { objects } = synthIntegration();

  test('collector self-metrics have no "_total" or unit suffix: the Prometheus reader leaves both switches at their defaults (true)', () => {
    const config = parse(findObject(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
    const prometheusReader = config.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
    expect(prometheusReader.without_type_suffix).toBeUndefined();
    expect(prometheusReader.without_units).toBeUndefined();
    expect(prometheusReader.port).toBe(8888);
  });

  test('span metrics histograms are classic (so "_bucket" series exist) and exemplars keep the "traceID" label', () => {
    const config = parse(findObject(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']);
    expect(config.overrides.defaults.metrics_generator.generate_native_histograms).toBe('classic');
    expect(config.overrides.defaults.metrics_generator.trace_id_label_name).toBeUndefined();
    expect(config.metrics_generator.storage.remote_write[0].send_exemplars).toBe(true);
  });

  test('the ServiceMonitors leave "job" as the Service name, in the namespace the selectors use', () => {
    for (const [monitor, service] of [['tempo', 'tempo'], ['otel-collector', 'otel-collector']]) {
      const sm = findObject(objects, 'ServiceMonitor', monitor);
      expect(sm.spec.jobLabel).toBeUndefined();
      expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['monitoring'] });
      const svc = findObject(objects, 'Service', service);
      for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels![k]).toBe(v);
    }
  });

  test('Tempo\'s data volume claims are named "<template>-<statefulset>-<ordinal>" from the StatefulSet', () => {
    const sts = findObject(objects, 'StatefulSet', 'tempo');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
  });
});

describe('operator delivery', () => {
  const { integration, objects } = synthIntegration({ delivery: 'operator', operatorInstanceSelector: { 'grafana.example.com/instance': 'main' }, prometheusDatasource: { uid: 'prometheus' }, lokiDatasource: { uid: 'loki' } });
  const selector = { matchLabels: { 'grafana.example.com/instance': 'main' } };

  test('snapshot', () => {
    expect(grafanaObjects(objects)).toMatchSnapshot();
  });

  test('Grafana Operator resources, valid against the CRD shapes; no sidecar ConfigMaps', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(grafanaObjects(objects).map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)).toEqual([
      'grafana.integreatly.org/v1beta1/GrafanaDatasource/rocketchat-tracing-tempo',
      'grafana.integreatly.org/v1beta1/GrafanaFolder/rocketchat-tracing',
      'grafana.integreatly.org/v1beta1/GrafanaDashboard/rocketchat-tracing',
      'grafana.integreatly.org/v1beta1/GrafanaDashboard/tracing-pipeline',
      'monitoring.coreos.com/v1/PrometheusRule/rocketchat-tracing-alerts',
    ]);
    for (const o of grafanaObjects(objects).filter((x) => x.kind !== 'PrometheusRule')) {
      expect(o.metadata.namespace).toBe('monitoring');
      expect(o.spec.instanceSelector).toEqual(selector);
    }
  });

  test('datasource: spec.uid, and no "$$" (the operator calls Grafana\'s API, which expands nothing)', () => {
    const ds = findObject(objects, 'GrafanaDatasource', 'rocketchat-tracing-tempo');
    expect(ds.spec.uid).toBe('tempo');
    expect(ds.spec.datasource).toEqual(JSON.parse(JSON.stringify((({ uid: _uid, ...rest }) => rest)(integration.datasources[0]))));
    expect(JSON.stringify(ds.spec)).not.toContain('$$');
    expect(ds.spec.datasource.jsonData.tracesToMetrics.queries[0].query).toContain('{$__tags}');
  });

  test('folder and dashboards: title, uid, folderRef, JSON of the SDK-built dashboards', () => {
    const folder = findObject(objects, 'GrafanaFolder', 'rocketchat-tracing');
    expect(folder.spec).toEqual({ instanceSelector: selector, title: 'Rocket.Chat tracing', uid: 'rocketchat-tracing' });
    for (const d of integration.dashboards) {
      const cr = findObject(objects, 'GrafanaDashboard', d.uid!);
      expect(cr.spec.folderRef).toBe('rocketchat-tracing');
      expect(cr.spec.uid).toBe(d.uid);
      expect(JSON.parse(cr.spec.json)).toEqual(JSON.parse(JSON.stringify(d)));
    }
  });

  test('kube-prometheus-stack values carry only the Prometheus settings', () => {
    expect(integration.kubePrometheusStackValues).toEqual({ prometheus: { prometheusSpec: { enableRemoteWriteReceiver: true, enableFeatures: ['exemplar-storage'] } } });
  });

  test('default instance selector', () => {
    const { objects: defaults } = synthIntegration({ delivery: 'operator', prometheusDatasource: { uid: 'prometheus' }, lokiDatasource: { enabled: false } });
    expect(findObject(defaults, 'GrafanaFolder', 'rocketchat-tracing').spec.instanceSelector).toEqual({ matchLabels: { dashboards: 'grafana' } });
  });
});

describe('managed Prometheus and Loki datasources', () => {
  const { integration, objects } = synthIntegration({
    prometheusDatasource: { managed: true, url: 'http://prometheus-operated.monitoring.svc:9090' },
    lokiDatasource: { managed: true, url: 'http://loki.logging.svc:3100' },
  });
  const { text, file } = datasourceFile(objects);
  const expanded = grafanaExpand(file.datasources) as any[];

  test('all three datasources are provisioned; exemplars and log lines link to Tempo', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(expanded.map((d) => [d.type, d.uid, d.url])).toEqual([
      ['tempo', 'tempo', 'http://tempo.monitoring.svc:3200'],
      ['prometheus', 'prometheus', 'http://prometheus-operated.monitoring.svc:9090'],
      ['loki', 'loki', 'http://loki.logging.svc:3100'],
    ]);
    expect(expanded[1].jsonData).toEqual({ httpMethod: 'POST', exemplarTraceIdDestinations: [{ datasourceUid: 'tempo', name: 'traceID', urlDisplayLabel: 'View trace' }] });
    expect(expanded[2].jsonData.derivedFields[0]).toMatchObject({ datasourceUid: 'tempo', url: '${__value.raw}', name: 'TraceID' });
    expect(text).toContain("url: $${__value.raw}");
  });

  test('kube-prometheus-stack values turn the chart\'s own Prometheus datasource off and add no Loki entry', () => {
    expect(integration.kubePrometheusStackValues.grafana).toEqual({
      sidecar: {
        datasources: { defaultDatasourceEnabled: false },
        dashboards: { folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true } },
      },
    });
  });

  test('every datasource a dashboard references is provisioned here', () => {
    const provisioned = new Set(integration.datasources.map((d) => `${d.type}/${d.uid}`));
    for (const d of integration.dashboards) for (const ref of datasourceRefs(d)) expect(provisioned).toContain(`${ref.type}/${ref.uid}`);
  });
});

describe('options', () => {
  test('custom uids reach the datasources, the dashboards and the values', () => {
    const { integration } = synthIntegration({ tempoDatasource: { uid: 'traces_1' }, prometheusDatasource: { uid: 'metrics-1' }, lokiDatasource: { uid: 'logs' } });
    expect(integration.datasources[0].uid).toBe('traces_1');
    expect((integration.datasources[0].jsonData.tracesToLogsV2 as any).datasourceUid).toBe('logs');
    expect((integration.datasources[0].jsonData.serviceMap as any).datasourceUid).toBe('metrics-1');
    const uids = new Set(integration.dashboards.flatMap((d) => datasourceRefs(d).map((r) => r.uid)));
    expect(uids).toEqual(new Set(['traces_1', 'metrics-1']));
    expect(integration.kubePrometheusStackValues.grafana!.sidecar.datasources).toMatchObject({ uid: 'metrics-1', exemplarTraceIdDestinations: { datasourceUid: 'traces_1' } });
  });

  test('without Loki: no traces→logs link and no Loki entry', () => {
    const { integration } = synthIntegration({ lokiDatasource: { enabled: false } });
    expect(integration.datasources[0].jsonData.tracesToLogsV2).toBeUndefined();
    expect(integration.lokiDatasourceUid).toBeUndefined();
    expect(integration.kubePrometheusStackValues.grafana!.additionalDataSources).toBeUndefined();
  });

  test('switches: no dashboards, no alerts', () => {
    const { integration, objects } = synthIntegration({ dashboards: false, alerts: false });
    expect(grafanaObjects(objects).map((o) => o.metadata.name)).toEqual(['rocketchat-tracing-grafana-datasources']);
    expect(integration.dashboards).toEqual([]);
    expect(integration.prometheusRule).toBeUndefined();
    const { objects: operator } = synthIntegration({ delivery: 'operator', dashboards: false, prometheusDatasource: { uid: 'prometheus' }, lokiDatasource: { uid: 'loki' } });
    expect(grafanaObjects(operator).map((o) => o.kind)).toEqual(['GrafanaDatasource', 'PrometheusRule']);
  });

  test('grafanaNamespace, folder, release label, thresholds and runbook base reach the objects', () => {
    const { integration, objects } = synthIntegration({
      grafanaNamespace: 'grafana',
      folderName: 'Observability',
      releaseLabel: 'prom',
      runbookBaseUrl: 'https://wiki.example.com/tracing',
      alertThresholds: { errorRatio: 0.1, p99LatencySeconds: 0.75 },
    });
    expect(validateObjects(objects)).toEqual([]);
    const grafana = grafanaObjects(objects);
    expect(grafana.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.namespace)).toEqual(['grafana', 'grafana', 'grafana']);
    expect(findObject(objects, 'ConfigMap', 'grafana-dashboard-tracing-pipeline').metadata.annotations).toEqual({ grafana_folder: 'Observability' });
    const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
    expect(rule.metadata.namespace).toBe('monitoring');
    expect(rule.metadata.labels!.release).toBe('prom');
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    expect(rules[0].expr).toContain('> 0.1)');
    expect(rules[1].expr).toContain('> 0.75)');
    expect(rules[0].annotations.runbook_url).toBe('https://wiki.example.com/tracing#tracinghigherrorratio');
    expect(integration.dashboards[0].panels!.map((p: any) => p.targets?.[0]?.query).filter(Boolean)).toContain(
      '{ resource.service.name =~ "${service:pipe}" && name =~ "${operation:pipe}" && duration > 0.75s }',
    );
  });

  test('request span kinds decide what counts as a request', () => {
    const { objects } = synthIntegration({ requestSpanKinds: ['server', 'internal', 'server'] });
    const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
    expect(rule.spec.groups[0].rules[0].expr).toContain('span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_INTERNAL"');
    expect(rule.spec.groups[0].rules[0].annotations.description).toContain('(server/internal spans)');
  });

  test('a Tempo without a StatefulSet gets no storage panel or alert', () => {
    const integration = buildIntegration({});
    const alerts = integration.prometheusRule!.toJson().spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts).not.toContain('TempoStorageNearFull');
    expect(integration.dashboards[1].panels!.map((p) => p.title)).not.toContain('Tempo data volume fill');
  });

  test('Tempo 2.10 works the same', () => {
    const { objects } = synthIntegration({}, '2.10.8');
    expect(validateObjects(objects)).toEqual([]);
  });
});

describe('bad input names the prop, the value and what is allowed', () => {
  const cases: [string, Partial<GrafanaTracingIntegrationProps>, string][] = [
    ['invalid Tempo uid', { tempoDatasource: { uid: 'tempo ds' } }, 'tempoDatasource.uid must be a Grafana uid (1-40 letters, digits, "-" and "_"), got "tempo ds"'],
    ['Prometheus uid over 40 characters', { prometheusDatasource: { uid: 'p'.repeat(41) } }, `prometheusDatasource.uid must be a Grafana uid (1-40 letters, digits, "-" and "_"), got "${'p'.repeat(41)}"`],
    ['empty Loki uid', { lokiDatasource: { uid: '' } }, 'lokiDatasource.uid must be a Grafana uid (1-40 letters, digits, "-" and "_"), got ""'],
    ['two datasources with one uid', { lokiDatasource: { uid: 'tempo' } }, 'lokiDatasource.uid must differ from tempoDatasource.uid, got "tempo" for both'],
    ['empty release label', { releaseLabel: '' }, 'releaseLabel must be a non-empty label value (alphanumerics, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got ""'],
    ['negative latency threshold', { alertThresholds: { p99LatencySeconds: -1 } }, 'alertThresholds.p99LatencySeconds must be a non-negative finite number, got -1'],
    ['negative traffic guard', { alertThresholds: { minRequestsPerSecond: -0.5 } }, 'alertThresholds.minRequestsPerSecond must be a non-negative finite number, got -0.5'],
    ['negative error ratio', { alertThresholds: { errorRatio: -0.01 } }, 'alertThresholds.errorRatio must be a non-negative finite number, got -0.01'],
    ['ratio above 1', { alertThresholds: { successRateSlo: 99 } }, 'alertThresholds.successRateSlo must be a ratio between 0 and 1, got 99'],
    ['not a number', { alertThresholds: { queueFillRatio: Number.NaN } }, 'alertThresholds.queueFillRatio must be a non-negative finite number, got NaN'],
    ['unknown threshold', { alertThresholds: { errorRate: 0.1 } as never }, 'alertThresholds key must be one of "errorRatio", "p99LatencySeconds", "successRateSlo", "minRequestsPerSecond", "queueFillRatio", "storageFillRatio", got "errorRate"'],
    ['Grafana namespace with capitals', { grafanaNamespace: 'Monitoring' }, 'grafanaNamespace must be an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "Monitoring"'],
    ['Grafana namespace with "_"', { grafanaNamespace: 'grafana_ns' }, 'grafanaNamespace must be an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "grafana_ns"'],
    ['unknown delivery', { delivery: 'helm' as never }, 'delivery must be one of "sidecar", "operator", got "helm"'],
    ['instance selector without the operator', { operatorInstanceSelector: { dashboards: 'grafana' } }, 'operatorInstanceSelector needs delivery: "operator"; the sidecar delivery selects nothing'],
    [
      'operator delivery without a Prometheus datasource uid',
      { delivery: 'operator' },
      'prometheusDatasource.uid is required with delivery "operator" unless prometheusDatasource.managed is true: the dashboards and Tempo\'s metrics links query this uid, and nothing provisions "prometheus" for an operator-managed Grafana',
    ],
    [
      'operator delivery without a Loki datasource uid',
      { delivery: 'operator', prometheusDatasource: { uid: 'prom' } },
      'lokiDatasource.uid is required with delivery "operator" unless lokiDatasource.managed is true or lokiDatasource.enabled is false: Tempo\'s logs links query this uid, and nothing provisions "loki" for an operator-managed Grafana',
    ],
    ['empty instance selector', { delivery: 'operator', operatorInstanceSelector: {} }, 'operatorInstanceSelector must be a non-empty map of label keys to values, got {}'],
    ['instance selector with a bad value', { delivery: 'operator', operatorInstanceSelector: { dashboards: 'my grafana' } }, 'operatorInstanceSelector.dashboards must be a label value (alphanumerics, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got "my grafana"'],
    ['folder with "/"', { folderName: 'Rocket.Chat/tracing' }, 'folderName must be a non-empty name without "/" or "\\" and without surrounding spaces, at most 100 characters, got "Rocket.Chat/tracing"'],
    ['runbook base with an anchor', { runbookBaseUrl: 'https://example.com/README.md#troubleshooting' }, 'runbookBaseUrl must be an http:// or https:// URL without spaces or "#" (each alert appends its own "#anchor"), got "https://example.com/README.md#troubleshooting"'],
    ['Prometheus URL for an unmanaged datasource', { prometheusDatasource: { url: 'http://prometheus:9090' } }, 'prometheusDatasource.url needs prometheusDatasource.managed: true; Grafana already has this datasource and it is not provisioned here'],
    ['Loki options with Loki off', { lokiDatasource: { enabled: false, uid: 'loki' } }, 'lokiDatasource.uid has no effect with lokiDatasource.enabled: false'],
    ['trace-id pattern without a group', { lokiDatasource: { traceIdPattern: 'trace_id=[0-9a-f]+' } }, 'lokiDatasource.traceIdPattern must be a regular expression with a capture group for the trace id, got "trace_id=[0-9a-f]+"'],
    ['trace-id pattern that does not compile', { lokiDatasource: { traceIdPattern: 'trace_id=(' } }, 'lokiDatasource.traceIdPattern must be a valid regular expression, got "trace_id=("'],
    ['log label that Loki cannot have', { lokiDatasource: { logLabels: { 'k8s.pod.name': 'k8s.pod' } } }, 'lokiDatasource.logLabels.k8s.pod.name must be a Loki label name (letters, digits and "_", not starting with a digit), got "k8s.pod"'],
    ['no request span kinds', { requestSpanKinds: [] }, 'requestSpanKinds must be a non-empty list of "server", "consumer", "client", "producer", "internal", got []'],
    ['unknown span kind', { requestSpanKinds: ['server', 'http' as never] }, 'requestSpanKinds[1] must be one of "server", "consumer", "client", "producer", "internal", got "http"'],
    ['name too long for a Grafana uid', { name: 'r'.repeat(41) }, `name must be an RFC 1035 label (lowercase letters, digits and "-", starting with a letter, ending alphanumeric, at most 40 characters), got "${'r'.repeat(41)}"`],
    ['Tempo query URL without a scheme', { tempo: { queryUrl: 'tempo:3200', serviceName: 'tempo', namespace: 'monitoring' } }, 'tempo.queryUrl must be an http:// or https:// URL without spaces or "$", got "tempo:3200"'],
    ['collector Service name with capitals', { collector: { serviceName: 'OtelCollector', namespace: 'monitoring' } }, 'collector.serviceName must be an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "OtelCollector"'],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    let error: unknown;
    try {
      buildIntegration(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(message);
  });
});

describe('Tempo tenants', () => {
  const TEMPO = { queryUrl: 'http://tempo.monitoring.svc:3200', serviceName: 'tempo', namespace: 'monitoring' };
  const withTenants = (tenants: readonly string[], props: Partial<GrafanaTracingIntegrationProps> = {}) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
    const integration = new GrafanaTracingIntegration(chart, 'Grafana', { tempo: { ...TEMPO, tenants }, collector: { serviceName: 'otel-collector', namespace: 'monitoring' }, ...props });
    return { integration, objects: Testing.synth(chart) as K8sObject[] };
  };
  const { integration, objects } = withTenants(['team-a', 'team.b']);
  const expanded = (datasourceFile(objects).file.datasources as unknown[]).map((d) => grafanaExpand(d) as any);
  // The dashboard as Grafana reads it, from its ConfigMap.
  const overview = JSON.parse(findObject(objects, 'ConfigMap', 'grafana-dashboard-rocketchat-tracing').data['rocketchat-tracing.json']);

  test('every object is valid', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  test('one datasource across the tenants (the one links point at) and one per tenant, each sending its tenants in X-Scope-OrgID', () => {
    expect(expanded.map((d) => [d.uid, d.name, d.jsonData.httpHeaderName1, d.secureJsonData.httpHeaderValue1])).toEqual([
      ['tempo', 'Tempo', 'X-Scope-OrgID', 'team-a|team.b'],
      ['tempo-team-a', 'Tempo (team-a)', 'X-Scope-OrgID', 'team-a'],
      // "." is no uid character: the uid is shortened and carries a hash of the id.
      [expect.stringMatching(/^tempo-team-b-[0-9a-f]{8}$/), 'Tempo (team.b)', 'X-Scope-OrgID', 'team.b'],
    ]);
    expect(integration.tempoDatasourceUid).toBe('tempo');
    expect(integration.tenantDatasourceUids).toEqual({ 'team-a': 'tempo-team-a', 'team.b': expanded[2].uid });
    // Tenant datasources keep the links to logs and metrics of the one across tenants.
    for (const d of expanded.slice(1)) expect(d.jsonData).toEqual(expanded[0].jsonData);
    // Grafana 13.0 to 13.1.3 send the header twice on streaming queries: plain HTTP with a tenant header.
    for (const d of expanded) expect(d.jsonData.streamingEnabled).toEqual({ search: false, metrics: false });
    expect(grafanaExpand(datasourceFile(synthIntegration().objects).file.datasources[0]) as any).toMatchObject({ jsonData: { streamingEnabled: { search: true, metrics: true } } });
  });

  test("uids are stable and fit Grafana's 40 characters, however long the tenant id", () => {
    const long = 'a'.repeat(63);
    const uid = withTenants([long]).integration.tenantDatasourceUids[long];
    expect(uid).toHaveLength(40);
    expect(uid).toMatch(/^tempo-a+-[0-9a-f]{8}$/);
    expect(withTenants([long]).integration.tenantDatasourceUids[long]).toBe(uid);
  });

  test("the trace panels query a datasource variable offering exactly this stack's Tempo datasources, all tenants by default", () => {
    const variable = overview.templating.list[0];
    expect(variable).toMatchObject({ type: 'datasource', name: 'tempo', query: 'tempo', current: { text: 'Tempo', value: 'tempo' } });
    const regex = new RegExp(variable.regex.slice(1, -1));
    for (const d of expanded) expect(d.name).toMatch(regex);
    expect('Tempo (team-c)').not.toMatch(regex);
    expect('Tempo (teamxb)').not.toMatch(regex);
    const traceRefs = datasourceRefs(overview).filter((r) => r.type === 'tempo');
    expect(traceRefs.length).toBeGreaterThan(0);
    for (const ref of traceRefs) expect([ref.where, ref.uid]).toEqual([ref.where, '${tempo}']);
    expect(sdkShapeProblems(overview)).toEqual([]);
  });

  test('operator delivery: one GrafanaDatasource per datasource, with valid object names', () => {
    const operator = withTenants(['team-a', 'team_b'], { delivery: 'operator', prometheusDatasource: { uid: 'prometheus' }, lokiDatasource: { uid: 'loki' } }).objects;
    expect(validateObjects(operator)).toEqual([]);
    expect(operator.filter((o) => o.kind === 'GrafanaDatasource').map((o) => [o.metadata.name, o.spec.uid, o.spec.datasource.secureJsonData?.httpHeaderValue1])).toEqual([
      ['rocketchat-tracing-tempo', 'tempo', 'team-a|team_b'],
      ['rocketchat-tracing-tempo-team-a', 'tempo-team-a', 'team-a'],
      [expect.stringMatching(/^rocketchat-tracing-tempo-team-b-[0-9a-f]{8}$/), 'tempo-team_b', 'team_b'],
    ]);
  });

  test.each<[string, readonly string[], string]>([
    ['a tenant id with "|"', ['a|b'], 'tempo.tenants[0] must be a tenant id (lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got "a|b"'],
    ['a repeated tenant', ['a', 'a'], 'tempo.tenants must not repeat a tenant, got "a" twice'],
  ])('refused: %s', (_name, given, message) => {
    expect(() => withTenants(given)).toThrow(ValidationError);
    expect(() => withTenants(given)).toThrow(message);
  });

  test('a tenant uid that another datasource already uses is refused', () => {
    expect(() => withTenants(['logs'], { lokiDatasource: { uid: 'tempo-logs' } })).toThrow(
      'lokiDatasource.uid must differ from the datasource uid of tenant "logs", got "tempo-logs" for both',
    );
  });
});
