import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from './util';

/**
 * Validates every synthesized object against a model of its kind: kubernetes-models for
 * built-in kinds, @kubernetes-models/prometheus-operator for prometheus-operator kinds, the
 * `cdk8s import` types for the other custom resources.
 * A kind with no model is itself an error, so a new kind cannot slip through unchecked.
 */
const MODELS: Record<string, () => new (data: any) => { validate(): void }> = {
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'apps/v1/DaemonSet': () => require('kubernetes-models/apps/v1/DaemonSet').DaemonSet,
  'rbac.authorization.k8s.io/v1/Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole').ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding').ClusterRoleBinding,
  'autoscaling/v2/HorizontalPodAutoscaler': () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'opentelemetry.io/v1alpha1/Instrumentation': () => importedSpecModel(require('../imports/opentelemetry.io').toJson_InstrumentationSpec),
  'cert-manager.io/v1/Certificate': () => importedSpecModel(require('../imports/cert-manager.io').toJson_CertificateSpec),
  'monitoring.coreos.com/v1/ServiceMonitor': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
  'grafana.integreatly.org/v1beta1/GrafanaDatasource': () => require('./grafana/operator-models').GrafanaDatasourceModel,
  'grafana.integreatly.org/v1beta1/GrafanaDashboard': () => require('./grafana/operator-models').GrafanaDashboardModel,
  'grafana.integreatly.org/v1beta1/GrafanaFolder': () => require('./grafana/operator-models').GrafanaFolderModel,
};

/**
 * A model for custom resources typed by `cdk8s import`: its toJson function keeps only the fields
 * the CRD declares, so a spec that does not survive the round trip has fields the CRD lacks.
 */
function importedSpecModel(toJson: (spec: any) => unknown): new (data: any) => { validate(): void } {
  return class {
    constructor(private readonly data: any) {}
    validate(): void {
      // The imported types name fields in camelCase and toJson writes the CRD's names back
      // (`caFile` → `ca_file`), so the manifest's snake_case keys are read in their TS form.
      const roundTripped = JSON.parse(JSON.stringify(toJson(tsForm(this.data.spec)) ?? null));
      if (!isDeepStrictEqual(roundTripped, this.data.spec)) {
        throw new Error(`spec has fields the CRD does not declare: ${JSON.stringify(this.data.spec)} became ${JSON.stringify(roundTripped)}`);
      }
    }
  };
}

function tsForm(value: any): any {
  if (Array.isArray(value)) return value.map(tsForm);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), tsForm(v)]));
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

// What the API server enforces beyond the models: object names, label syntax, port names.
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1035_LABEL = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
// IANA_SVC_NAME: at most 15 characters, at least one letter, no leading, trailing or double "-".
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const NAME_RULES: Record<string, [RegExp, string]> = {
  Namespace: [DNS_LABEL, 'an RFC 1123 label'],
  Service: [RFC1035_LABEL, 'an RFC 1035 label'],
};

function apiServerRules(obj: K8sObject): string[] {
  const problems: string[] = [];
  const [namePattern, nameRule] = NAME_RULES[obj.kind] ?? [DNS_SUBDOMAIN, 'an RFC 1123 subdomain'];
  if (!namePattern.test(obj.metadata.name)) problems.push(`metadata.name must be ${nameRule}`);
  const labelSets: [string, Record<string, string> | undefined][] = [
    ['metadata.labels', obj.metadata.labels],
    ['spec.template.metadata.labels', obj.spec?.template?.metadata?.labels],
    ['spec.selector.matchLabels', obj.spec?.selector?.matchLabels],
  ];
  for (const [where, labels] of labelSets) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (!LABEL_KEY.test(key)) problems.push(`${where}: ${key} must be a label key`);
      if (!LABEL_VALUE.test(value)) problems.push(`${where}.${key} must be a label value`);
    }
  }
  const portLists: [string, { name?: string }[] | undefined][] = [['spec.ports', obj.spec?.ports]];
  for (const [i, c] of (obj.spec?.template?.spec?.containers ?? []).entries()) portLists.push([`containers[${i}].ports`, c.ports]);
  for (const [where, ports] of portLists) {
    const names = new Set<string>();
    for (const [i, port] of (ports ?? []).entries()) {
      if (port.name === undefined) continue;
      if (!PORT_NAME.test(port.name)) problems.push(`${where}[${i}].name must be an IANA service name (at most 15 characters)`);
      if (names.has(port.name)) problems.push(`${where}[${i}].name is not unique`);
      names.add(port.name);
    }
  }
  return problems;
}

/** Returns one message per problem; empty when every object is valid. */
export function validateObjects(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const obj of objects) {
    const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    if (seen.has(id)) problems.push(`${id}: duplicate object`);
    seen.add(id);
    const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    if (!model) {
      problems.push(`${id}: no validator for this kind`);
      continue;
    }
    try {
      new (model())(obj).validate();
    } catch (error) {
      problems.push(`${id}: ${(error as Error).message}`);
    }
    for (const problem of apiServerRules(obj)) problems.push(`${id}: ${problem}`);
    if (CLUSTER_SCOPED.has(obj.kind) && obj.metadata.namespace !== undefined) {
      problems.push(`${id}: cluster-scoped object carries a namespace`);
    }
    if (!CLUSTER_SCOPED.has(obj.kind) && !obj.metadata.namespace) {
      problems.push(`${id}: namespaced object without a namespace`);
    }
  }
  return problems;
}
