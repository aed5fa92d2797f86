import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ApiObject, Chart, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrafanaDashboard, GrafanaDatasource, GrafanaFolder } from '../../imports/grafana.integreatly.org';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { DEFAULT_NAMESPACE, KUBE_PROMETHEUS_STACK_RELEASE, serviceHost } from '../common/defaults';
import { ValidationError, checkOneOf, describeValue, invalidProp, optionalBoolean } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { standardLabels } from '../common/labels';
import { TracingAlertThresholds } from './alert-thresholds';
import { GrafanaDatasourceDefinition, LokiDatasourceOptions, PrometheusDatasourceOptions, TempoDatasourceOptions } from './datasources';
import { KubePrometheusStackValues } from './kube-prometheus-stack-values';
import { ALL_TRACES_KEPT, TraceSamplingModel } from '../common/trace-sampling';
import { CollectorTarget, TempoTarget } from './targets';
import { ALERT_NAMES, AlertName, alertGroups } from './_alerts';
import { FOUNDATION_SDK_VERSION, tracingDashboards } from './_dashboards';
import { DatasourceInputs, ResolvedLoki, ResolvedTempo, exemplarDestination, lokiDatasource, prometheusDatasource, tempoDatasource, tenantIdentifier } from './_datasources';
import { GRAFANA_FORMATS } from './_formats';
import { Matcher, anyOf } from './_promql';
import { escapeForProvisioning } from './_provisioning';
import { DEFAULT_RUNBOOK_BASE_URL, runbookAnchor } from './_runbooks';

/** How Grafana receives datasources and dashboards. */
export type GrafanaDelivery = 'sidecar' | 'operator';
const DELIVERIES: readonly GrafanaDelivery[] = ['sidecar', 'operator'];

/** OpenTelemetry span kinds, as counted in the request panels and alerts. */
export type RequestSpanKind = 'server' | 'consumer' | 'client' | 'producer' | 'internal';
const SPAN_KINDS: readonly RequestSpanKind[] = ['server', 'consumer', 'client', 'producer', 'internal'];

export interface GrafanaTracingIntegrationProps {
  /** The Tempo to query and watch, e.g. a TempoStack. */
  readonly tempo: TempoTarget;
  /** The collector whose pipeline the dashboards and alerts watch, e.g. an OtelCollector. */
  readonly collector: CollectorTarget;
  /**
   * Base name of the emitted objects, the alert group prefix and the Grafana folder uid; an
   * RFC 1035 label of at most 40 characters.
   * @default 'rocketchat-tracing'
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule.
   * @default - the enclosing Chart's namespace, else the Tempo namespace
   */
  readonly namespace?: string;
  /**
   * Namespace of Grafana: the sidecar only reads datasource ConfigMaps from Grafana's own
   * namespace, and Grafana Operator resources sit beside the Grafana resource they select.
   * @default 'monitoring'
   */
  readonly grafanaNamespace?: string;
  /**
   * `sidecar`: ConfigMaps labelled `grafana_datasource`/`grafana_dashboard` for Grafana's
   * k8s-sidecar (kube-prometheus-stack). `operator`: GrafanaDatasource, GrafanaFolder and
   * GrafanaDashboard resources for the Grafana Operator (v5, `grafana.integreatly.org/v1beta1`).
   * @default 'sidecar'
   */
  readonly delivery?: GrafanaDelivery;
  /**
   * Labels of the Grafana resource(s) the Grafana Operator resources apply to
   * (`spec.instanceSelector.matchLabels`); operator delivery only.
   * @default { dashboards: 'grafana' }
   */
  readonly operatorInstanceSelector?: Readonly<Record<string, string>>;
  /**
   * Grafana folder of the dashboards.
   * @default 'Rocket.Chat tracing'
   */
  readonly folderName?: string;
  /**
   * The Tempo datasource. With Tempo tenants (`tempo.tenants`) it queries all of them, and each
   * tenant gets a datasource of its own, sending its id in the `X-Scope-OrgID` header.
   * @default - uid `tempo`, name `Tempo`
   */
  readonly tempoDatasource?: TempoDatasourceOptions;
  /**
   * The Prometheus datasource holding span metrics and pipeline metrics.
   * @default - kube-prometheus-stack's (uid `prometheus`), not provisioned here
   */
  readonly prometheusDatasource?: PrometheusDatasourceOptions;
  /**
   * The Loki datasource for traces→logs and logs→traces.
   * @default - uid `loki`, not provisioned here
   */
  readonly lokiDatasource?: LokiDatasourceOptions;
  /**
   * Span kinds counted as requests in the request panels and alerts. Add `internal` when the
   * collector does not set span kinds (`rocketChat.setSpanKind: false`): Rocket.Chat leaves every span INTERNAL.
   * @default ['server', 'consumer']
   */
  readonly requestSpanKinds?: readonly RequestSpanKind[];
  /**
   * Emit the dashboards.
   * @default true
   */
  readonly dashboards?: boolean;
  /**
   * Emit the PrometheusRule (needs the prometheus-operator CRDs).
   * @default true
   */
  readonly alerts?: boolean;
  /**
   * Alert thresholds; the dashboards draw the same lines.
   * @default - the TracingAlertThresholds defaults
   */
  readonly alertThresholds?: TracingAlertThresholds;
  /**
   * Value of the `release` label kube-prometheus-stack selects PrometheusRules by.
   * @default 'kube-prometheus-stack'
   */
  readonly releaseLabel?: string;
  /**
   * Page whose anchors hold the runbooks; each alert's `runbook_url` is this plus `#<alert name, lowercased>`.
   * Point it at the copy of this project's README your team reads (its "Troubleshooting" section
   * has a subsection per alert).
   * @default 'https://www.npmjs.com/package/rocketchat-tracing' (the README published with the package)
   */
  readonly runbookBaseUrl?: string;
}

const DEFAULT_NAME = 'rocketchat-tracing';
const DEFAULT_PROMETHEUS_URL = `http://${serviceHost(`${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus`, DEFAULT_NAMESPACE)}:9090`;
const DEFAULT_LOKI_URL = `http://${serviceHost('loki-gateway', DEFAULT_NAMESPACE)}`;
const DEFAULT_LOG_LABELS = { 'k8s.namespace.name': 'namespace', 'k8s.pod.name': 'pod' };
const DEFAULT_TRACE_ID_PATTERN = '(?:traceI[dD]|trace_id)["\']?\\s*[=:]\\s*["\']?([0-9a-fA-F]{32})';
const DEFAULT_THRESHOLDS: Required<TracingAlertThresholds> = {
  errorRatio: 0.05,
  p99LatencySeconds: 2,
  successRateSlo: 0.99,
  minRequestsPerSecond: 1,
  queueFillRatio: 0.8,
  storageFillRatio: 0.85,
};
/** The k8s-sidecar conventions kube-prometheus-stack configures. */
const SIDECAR = { datasourceLabel: 'grafana_datasource', dashboardLabel: 'grafana_dashboard', labelValue: '1', folderAnnotation: 'grafana_folder' } as const;

/**
 * Grafana for the tracing stack: a Tempo datasource linked to logs, metrics and the service
 * graph (optionally Loki and Prometheus datasources linking back to traces), the "Rocket.Chat
 * tracing" and "Tracing pipeline" dashboards, and trace and pipeline alerts as a PrometheusRule.
 */
export class GrafanaTracingIntegration extends Construct {
  /** Uid of the Tempo datasource (with Tempo tenants, the one querying all of them). */
  public readonly tempoDatasourceUid: string;
  /** Uid of each Tempo tenant's own datasource, by tenant id; empty without tenants. */
  public readonly tenantDatasourceUids: Readonly<Record<string, string>>;
  /** Uid of the Prometheus datasource the dashboards query. */
  public readonly prometheusDatasourceUid: string;
  /** Uid of the Loki datasource traces link to; undefined when Loki links are off. */
  public readonly lokiDatasourceUid?: string;
  /** Namespace of the datasource and dashboard objects. */
  public readonly grafanaNamespace: string;
  /** How they reach Grafana. */
  public readonly delivery: GrafanaDelivery;
  /** The datasources provisioned here (Tempo, and Loki/Prometheus when managed), unescaped. */
  public readonly datasources: readonly GrafanaDatasourceDefinition[];
  /** The dashboards (Grafana's v1 dashboard model), empty when switched off. */
  public readonly dashboards: readonly dashboard.Dashboard[];
  /** The alerting rules; undefined when alerts are off. */
  public readonly prometheusRule?: PrometheusRule;
  /** `runbook_url` of each alert. */
  public readonly runbookUrls: Readonly<Record<AlertName, string>>;
  /** kube-prometheus-stack Helm values completing the integration (see KubePrometheusStackValues). */
  public readonly kubePrometheusStackValues: KubePrometheusStackValues;

  constructor(scope: Construct, id: string, props: GrafanaTracingIntegrationProps) {
    super(scope, id);

    // Validate everything before creating any object.
    const tempo = {
      queryUrl: checkFormat('tempo.queryUrl', props.tempo?.queryUrl, FORMATS.httpUrl),
      serviceName: checkFormat('tempo.serviceName', props.tempo?.serviceName, FORMATS.dnsLabel),
      namespace: checkFormat('tempo.namespace', props.tempo?.namespace, FORMATS.dnsLabel),
      tenants: resolveTenants(props.tempo?.tenants),
    };
    const collector = {
      serviceName: checkFormat('collector.serviceName', props.collector?.serviceName, FORMATS.dnsLabel),
      namespace: checkFormat('collector.namespace', props.collector?.namespace, FORMATS.dnsLabel),
    };
    const sampling = checkSamplingModel('collector.samplingModel', props.collector.samplingModel ?? ALL_TRACES_KEPT);
    const name = checkFormat('name', props.name ?? DEFAULT_NAME, FORMATS.serviceName);
    const ruleNamespace = checkFormat('namespace', props.namespace ?? Chart.of(this).namespace ?? tempo.namespace, FORMATS.dnsLabel);
    this.grafanaNamespace = checkFormat('grafanaNamespace', props.grafanaNamespace ?? DEFAULT_NAMESPACE, FORMATS.dnsLabel);
    this.delivery = checkOneOf('delivery', props.delivery ?? 'sidecar', DELIVERIES);
    if (this.delivery !== 'operator' && props.operatorInstanceSelector !== undefined) {
      throw new ValidationError('operatorInstanceSelector needs delivery: "operator"; the sidecar delivery selects nothing');
    }
    const instanceSelector = resolveLabels('operatorInstanceSelector', props.operatorInstanceSelector ?? { dashboards: 'grafana' });
    const folderName = checkFormat('folderName', props.folderName ?? 'Rocket.Chat tracing', GRAFANA_FORMATS.displayName);
    const sources = resolveDatasources(props, tempo.queryUrl, tempo.tenants);
    const requestKinds = resolveSpanKinds(props.requestSpanKinds);
    const dashboardsOn = optionalBoolean('dashboards', props.dashboards, true);
    const alertsOn = optionalBoolean('alerts', props.alerts, true);
    const thresholds = resolveThresholds(props.alertThresholds);
    const release = checkFormat('releaseLabel', props.releaseLabel ?? KUBE_PROMETHEUS_STACK_RELEASE, GRAFANA_FORMATS.nonEmptyLabelValue);
    const runbookBase = checkFormat('runbookBaseUrl', props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL, GRAFANA_FORMATS.runbookBaseUrl);
    const tempoVolumeClaims = volumeClaimPattern(props.tempo.statefulSets ?? (props.tempo.statefulSet ? [props.tempo.statefulSet] : []));

    this.tempoDatasourceUid = sources.tempo.uid;
    this.tenantDatasourceUids = Object.fromEntries(sources.tenantTempos.map((t) => [t.tenant, t.uid]));
    this.prometheusDatasourceUid = sources.prometheus.uid;
    this.lokiDatasourceUid = sources.loki?.uid;
    this.runbookUrls = Object.fromEntries(ALERT_NAMES.map((a) => [a, `${runbookBase}#${runbookAnchor(a)}`])) as Record<AlertName, string>;

    const tempoDefinition = tempoDatasource(sources);
    const lokiDefinition = sources.loki ? lokiDatasource({ ...sources, loki: sources.loki }) : undefined;
    this.datasources = [
      tempoDefinition,
      ...sources.tenantTempos.map((t) => tempoDatasource(sources, t)),
      ...(sources.prometheus.managed ? [prometheusDatasource(sources)] : []),
      ...(lokiDefinition && sources.loki?.managed ? [lokiDefinition] : []),
    ];
    this.dashboards = dashboardsOn
      ? tracingDashboards({
        tempoUid: sources.tempo.uid,
        prometheusUid: sources.prometheus.uid,
        // With tenants the trace panels can query one tenant: all of them by default.
        ...(sources.tenantTempos.length ? { tempoChoices: [sources.tempo, ...sources.tenantTempos] } : {}),
        requestKinds: requestKinds.matcher,
        thresholds,
        collector,
        tempo,
        tempoVolumeClaims,
        sampling,
      })
      : [];
    this.kubePrometheusStackValues = {
      prometheus: { prometheusSpec: { enableRemoteWriteReceiver: true, enableFeatures: ['exemplar-storage'] } },
      ...(this.delivery === 'sidecar'
        ? {
          grafana: {
            sidecar: {
              // A managed Prometheus datasource replaces the chart's (same uid or name would clash).
              datasources: sources.prometheus.managed
                ? { defaultDatasourceEnabled: false }
                : { uid: sources.prometheus.uid, exemplarTraceIdDestinations: exemplarDestination(sources.tempo.uid) },
              dashboards: { folderAnnotation: SIDECAR.folderAnnotation, provider: { foldersFromFilesStructure: true } },
            },
            ...(lokiDefinition && !sources.loki?.managed ? { additionalDataSources: [escapeForProvisioning(lokiDefinition)] } : {}),
          },
        }
        : {}),
    };

    // The version label is the SDK release that generated the dashboards.
    const labels = (component: string) => standardLabels({ name: 'grafana-tracing-integration', instance: name, component, version: FOUNDATION_SDK_VERSION });
    if (this.delivery === 'sidecar') {
      this.addSidecarObjects(name, folderName, labels);
    } else {
      this.addOperatorObjects(name, folderName, { matchLabels: instanceSelector }, labels);
    }

    if (alertsOn) {
      const groups = alertGroups({
        groupPrefix: name,
        requestKinds: requestKinds.matcher,
        requestKindsText: requestKinds.text,
        thresholds,
        collector,
        tempo,
        tempoVolumeClaims,
        runbookUrl: (alert) => this.runbookUrls[alert],
        sampling,
      });
      this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
        metadata: { name: `${name}-alerts`, namespace: ruleNamespace, labels: { ...labels('alerts'), release } },
        spec: {
          groups: groups.map((g) => ({
            name: g.name,
            rules: g.rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          })),
        },
      });
    }
  }

  private addSidecarObjects(name: string, folderName: string, labels: (component: string) => Record<string, string>): void {
    new k8s.KubeConfigMap(this, 'Datasources', {
      metadata: {
        name: `${name}-grafana-datasources`,
        namespace: this.grafanaNamespace,
        labels: { ...labels('datasources'), [SIDECAR.datasourceLabel]: SIDECAR.labelValue },
      },
      // Grafana expands environment variables in provisioning files: every `$` is escaped.
      data: { [`${name}-datasources.yaml`]: Yaml.stringify({ apiVersion: 1, datasources: escapeForProvisioning(this.datasources) }) },
    });
    for (const d of this.dashboards) {
      new k8s.KubeConfigMap(this, `Dashboard-${d.uid}`, {
        metadata: {
          name: `grafana-dashboard-${d.uid}`,
          namespace: this.grafanaNamespace,
          labels: { ...labels('dashboards'), [SIDECAR.dashboardLabel]: SIDECAR.labelValue },
          annotations: { [SIDECAR.folderAnnotation]: folderName },
        },
        // Dashboard files are not environment-expanded: `$service` stays a Grafana variable.
        data: { [`${d.uid}.json`]: JSON.stringify(d, null, 2) },
      });
    }
  }

  private addOperatorObjects(name: string, folderName: string, instanceSelector: { matchLabels: Record<string, string> }, labels: (component: string) => Record<string, string>): void {
    const metadata = (objectName: string, component: string) => ({ name: objectName, namespace: this.grafanaNamespace, labels: labels(component) });
    // The operator sends datasources through Grafana's HTTP API, which expands nothing: no `$$`.
    const tenantOf = new Map(Object.entries(this.tenantDatasourceUids).map(([tenant, uid]) => [uid, tenant]));
    for (const ds of this.datasources) {
      const { uid, ...datasource } = ds;
      const tenant = tenantOf.get(uid);
      // A tenant's datasource object: `<name>-tempo-<tenant>`, kept a valid object name.
      const key = tenant === undefined ? ds.type : tenantIdentifier(ds.type, tenant, 'a-z0-9-', 253 - name.length - 1);
      new GrafanaDatasource(this, `Datasource-${key}`, {
        metadata: metadata(`${name}-${key}`, 'datasources'),
        spec: { instanceSelector, uid, datasource },
      });
    }
    if (this.dashboards.length === 0) return;
    const folder = new GrafanaFolder(this, 'Folder', {
      metadata: metadata(name, 'dashboards'),
      spec: { instanceSelector, title: folderName, uid: name },
    });
    for (const d of this.dashboards) {
      new GrafanaDashboard(this, `Dashboard-${d.uid}`, {
        metadata: metadata(d.uid!, 'dashboards'),
        spec: { instanceSelector, folderRef: folder.name, uid: d.uid, json: JSON.stringify(d, null, 2) },
      });
    }
  }
}

function checkSamplingModel(prop: string, model: TraceSamplingModel): TraceSamplingModel {
  const f = model.keptFraction;
  if (typeof f !== 'number' || !(f > 0 && f <= 1)) invalidProp(`${prop}.keptFraction`, 'a fraction above 0 and at most 1', f);
  optionalBoolean(`${prop}.errorsAlwaysKept`, model.errorsAlwaysKept, true);
  const slow = model.slowTracesKeptAboveSeconds;
  if (slow !== undefined && !(typeof slow === 'number' && Number.isFinite(slow) && slow > 0)) invalidProp(`${prop}.slowTracesKeptAboveSeconds`, 'a positive number of seconds', slow);
  return model;
}

function resolveLabels(prop: string, given: Readonly<Record<string, string>>): Record<string, string> {
  if (given === null || typeof given !== 'object' || Object.keys(given).length === 0) {
    invalidProp(prop, 'a non-empty map of label keys to values', given);
  }
  for (const [key, value] of Object.entries(given)) {
    checkFormat(`${prop} key`, key, GRAFANA_FORMATS.labelKey);
    checkFormat(`${prop}.${key}`, value, FORMATS.labelValue);
  }
  return { ...given };
}

function resolveTenants(tenants: readonly string[] | undefined): readonly string[] {
  if (tenants === undefined) return [];
  if (!Array.isArray(tenants)) invalidProp('tempo.tenants', 'a list of tenant ids', tenants);
  tenants.forEach((tenant, i) => checkFormat(`tempo.tenants[${i}]`, tenant, FORMATS.tenantId));
  const repeated = tenants.find((tenant, i) => tenants.indexOf(tenant) !== i);
  if (repeated !== undefined) throw new ValidationError(`tempo.tenants must not repeat a tenant, got ${describeValue(repeated)} twice`);
  return [...tenants];
}

function resolveDatasources(props: GrafanaTracingIntegrationProps, tempoUrl: string, tenants: readonly string[]): DatasourceInputs {
  const t = props.tempoDatasource ?? {};
  const p = props.prometheusDatasource ?? {};
  const l = props.lokiDatasource ?? {};
  const tempo: ResolvedTempo = {
    uid: checkFormat('tempoDatasource.uid', t.uid ?? 'tempo', GRAFANA_FORMATS.uid),
    name: checkFormat('tempoDatasource.name', t.name ?? 'Tempo', GRAFANA_FORMATS.displayName),
    url: tempoUrl,
    // Tempo answers a query naming several tenants from all of them (query_frontend
    // multi_tenant_queries_enabled, on by default).
    ...(tenants.length ? { tenantHeader: tenants.join('|') } : {}),
  };
  const tenantTempos = tenants.map((tenant) => ({
    tenant,
    uid: tenantIdentifier(tempo.uid, tenant, 'a-zA-Z0-9_-', GRAFANA_FORMATS.uid.maxLength),
    name: checkFormat(`tempoDatasource.name (with tenant ${describeValue(tenant)})`, `${tempo.name} (${tenant})`, GRAFANA_FORMATS.displayName),
    url: tempoUrl,
    tenantHeader: tenant,
  }));
  const prometheusManaged = optionalBoolean('prometheusDatasource.managed', p.managed, false);
  // With the operator, no chart default guarantees a datasource under the default uids.
  const operator = props.delivery === 'operator';
  if (operator && !prometheusManaged && p.uid === undefined) {
    throw new ValidationError(
      'prometheusDatasource.uid is required with delivery "operator" unless prometheusDatasource.managed is true: the dashboards and Tempo\'s metrics links query this uid, and nothing provisions "prometheus" for an operator-managed Grafana',
    );
  }
  if (!prometheusManaged) refuseUnmanaged('prometheusDatasource', p, ['url', 'name']);
  const prometheus = {
    uid: checkFormat('prometheusDatasource.uid', p.uid ?? 'prometheus', GRAFANA_FORMATS.uid),
    name: checkFormat('prometheusDatasource.name', p.name ?? 'Prometheus', GRAFANA_FORMATS.displayName),
    url: checkFormat('prometheusDatasource.url', p.url ?? DEFAULT_PROMETHEUS_URL, FORMATS.httpUrl),
    managed: prometheusManaged,
  };
  let loki: ResolvedLoki | undefined;
  if (optionalBoolean('lokiDatasource.enabled', l.enabled, true)) {
    if (operator && !optionalBoolean('lokiDatasource.managed', l.managed, false) && l.uid === undefined) {
      throw new ValidationError(
        'lokiDatasource.uid is required with delivery "operator" unless lokiDatasource.managed is true or lokiDatasource.enabled is false: Tempo\'s logs links query this uid, and nothing provisions "loki" for an operator-managed Grafana',
      );
    }
    const logLabels = l.logLabels ?? DEFAULT_LOG_LABELS;
    if (logLabels === null || typeof logLabels !== 'object' || Object.keys(logLabels).length === 0) {
      invalidProp('lokiDatasource.logLabels', 'a non-empty map of span attributes to Loki labels', logLabels);
    }
    for (const [attribute, label] of Object.entries(logLabels)) {
      checkFormat('lokiDatasource.logLabels key', attribute, GRAFANA_FORMATS.spanAttribute);
      checkFormat(`lokiDatasource.logLabels.${attribute}`, label, GRAFANA_FORMATS.lokiLabel);
    }
    loki = {
      uid: checkFormat('lokiDatasource.uid', l.uid ?? 'loki', GRAFANA_FORMATS.uid),
      name: checkFormat('lokiDatasource.name', l.name ?? 'Loki', GRAFANA_FORMATS.displayName),
      url: checkFormat('lokiDatasource.url', l.url ?? DEFAULT_LOKI_URL, FORMATS.httpUrl),
      managed: optionalBoolean('lokiDatasource.managed', l.managed, false),
      logLabels: { ...logLabels },
      traceIdPattern: checkTraceIdPattern('lokiDatasource.traceIdPattern', l.traceIdPattern ?? DEFAULT_TRACE_ID_PATTERN),
      filterByTraceId: optionalBoolean('lokiDatasource.filterByTraceId', l.filterByTraceId, false),
    };
  } else {
    const others = Object.keys(l).filter((k) => k !== 'enabled');
    if (others.length) throw new ValidationError(`lokiDatasource.${others[0]} has no effect with lokiDatasource.enabled: false`);
  }
  const uids: [string, string | undefined][] = [
    ...tenantTempos.map((d): [string, string] => [`the datasource uid of tenant ${describeValue(d.tenant)}`, d.uid]),
    ['prometheusDatasource.uid', prometheus.uid],
    ['lokiDatasource.uid', loki?.uid],
  ];
  const taken = new Map<string, string>([[tempo.uid, 'tempoDatasource.uid']]);
  for (const [prop, uid] of uids) {
    if (uid === undefined) continue;
    if (taken.has(uid)) throw new ValidationError(`${prop} must differ from ${taken.get(uid)}, got ${JSON.stringify(uid)} for both`);
    taken.set(uid, prop);
  }
  return { tempo, tenantTempos, prometheus, loki };
}

/** `url` and `name` only describe a datasource provisioned here: refuse them when it is not. */
function refuseUnmanaged(prop: string, options: object, keys: readonly string[]): void {
  const given = keys.filter((k) => (options as Record<string, unknown>)[k] !== undefined);
  if (given.length) throw new ValidationError(`${prop}.${given[0]} needs ${prop}.managed: true; Grafana already has this datasource and it is not provisioned here`);
}

function checkTraceIdPattern(prop: string, pattern: unknown): string {
  let groups = 0;
  try {
    // A regex matching the empty alternative reveals its number of capture groups.
    groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  } catch {
    invalidProp(prop, 'a valid regular expression', pattern);
  }
  if (typeof pattern !== 'string' || groups < 1) invalidProp(prop, 'a regular expression with a capture group for the trace id', pattern);
  return pattern as string;
}

function resolveSpanKinds(given: readonly RequestSpanKind[] | undefined): { matcher: Matcher; text: string } {
  const kinds = given ?? ['server', 'consumer'];
  if (!Array.isArray(kinds) || kinds.length === 0) invalidProp('requestSpanKinds', `a non-empty list of ${SPAN_KINDS.map((k) => `"${k}"`).join(', ')}`, given);
  const unique = [...new Set(kinds.map((k, i) => checkOneOf(`requestSpanKinds[${i}]`, k, SPAN_KINDS)))];
  return { matcher: ['span_kind', '=~', anyOf(unique.map((k) => `SPAN_KIND_${k.toUpperCase()}`))], text: unique.join('/') };
}

function resolveThresholds(given: TracingAlertThresholds | undefined): Required<TracingAlertThresholds> {
  const t = { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)) } as Required<TracingAlertThresholds>;
  const ratios: (keyof TracingAlertThresholds)[] = ['errorRatio', 'successRateSlo', 'queueFillRatio', 'storageFillRatio'];
  for (const key of Object.keys(t) as (keyof TracingAlertThresholds)[]) {
    if (!(key in DEFAULT_THRESHOLDS)) checkOneOf('alertThresholds key', key, Object.keys(DEFAULT_THRESHOLDS) as (keyof TracingAlertThresholds)[]);
    const value: unknown = t[key];
    // JSON shows NaN and Infinity as null: name them as they are.
    const shown = typeof value === 'number' ? String(value) : describeValue(value);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ValidationError(`alertThresholds.${key} must be a non-negative finite number, got ${shown}`);
    }
    if (ratios.includes(key) && value > 1) throw new ValidationError(`alertThresholds.${key} must be a ratio between 0 and 1, got ${shown}`);
  }
  return t;
}

/**
 * `<template>-<statefulset>-<ordinal>`, the names Kubernetes gives a StatefulSet's volume claims,
 * as a regex over the templates the StatefulSet declares.
 */
function volumeClaimPattern(statefulSets: readonly ApiObject[]): string | undefined {
  // A claim is named <template>-<StatefulSet>-<ordinal>.
  const claims = statefulSets.flatMap((statefulSet) => {
    const templates: { metadata?: { name?: string } }[] = statefulSet.toJson()?.spec?.volumeClaimTemplates ?? [];
    return templates.map((t) => t.metadata?.name).filter((n): n is string => typeof n === 'string').map((template) => `${template}-${statefulSet.name}`);
  });
  if (claims.length === 0) return undefined;
  const alternatives = anyOf(claims);
  return `${claims.length > 1 ? `(${alternatives})` : alternatives}-[0-9]+`;
}
