import type { K8sObject } from './util';

/**
 * Validates every synthesized object against a model of its kind: kubernetes-models for
 * built-in kinds, @kubernetes-models/prometheus-operator for prometheus-operator kinds.
 * A kind with no model is itself an error, so a new kind cannot slip through unchecked.
 */
const MODELS: Record<string, () => new (data: any) => { validate(): void }> = {
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'monitoring.coreos.com/v1/ServiceMonitor': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
};

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

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
    if (CLUSTER_SCOPED.has(obj.kind) && obj.metadata.namespace !== undefined) {
      problems.push(`${id}: cluster-scoped object carries a namespace`);
    }
    if (!CLUSTER_SCOPED.has(obj.kind) && !obj.metadata.namespace) {
      problems.push(`${id}: namespaced object without a namespace`);
    }
  }
  return problems;
}
