import type { GrafanaTracingIntegration } from '../../src/grafana/grafana-tracing-integration';

export interface LabelledExpression {
  readonly where: string;
  readonly expr: string;
}

/** `label_values(<selector>, <label>)`: Grafana's variable query around a PromQL selector. */
const LABEL_VALUES = /^label_values\((.*), *[a-zA-Z_][a-zA-Z0-9_]*\)$/;

/** Every PromQL expression of the dashboards (targets and variable queries) and of the Tempo datasource's traces→metrics links. */
export function promqlExpressions(integration: GrafanaTracingIntegration): LabelledExpression[] {
  const found: LabelledExpression[] = [];
  for (const d of integration.dashboards) {
    for (const v of d.templating.list ?? []) {
      if (v.datasource?.type !== 'prometheus') continue;
      const match = LABEL_VALUES.exec(String(v.query));
      if (!match) throw new Error(`${d.uid} variable ${v.name}: not a label_values query: ${String(v.query)}`);
      found.push({ where: `${d.uid} variable ${v.name}`, expr: match[1] });
    }
    for (const panel of d.panels ?? []) {
      if (panel.type === 'row') continue;
      for (const target of (panel as any).targets ?? []) {
        if (target.datasource?.type === 'prometheus') found.push({ where: `${d.uid} "${panel.title}" ${target.refId}`, expr: target.expr });
      }
    }
  }
  for (const ds of integration.datasources) {
    const queries = (ds.jsonData.tracesToMetrics as { queries?: { name: string; query: string }[] } | undefined)?.queries ?? [];
    for (const q of queries) found.push({ where: `${ds.uid} traces→metrics "${q.name}"`, expr: q.query });
  }
  return found;
}

/**
 * Grafana's variables replaced by values Grafana could send: ranges, the All value `.*` of the
 * dashboard variables, and the mapped span tags of traces→metrics links.
 */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__range: '3h',
  $__tags: 'service="rocketchat"',
  $service: '.*',
  $operation: '.*',
};

export function withGrafanaVariables(expr: string): string {
  const resolved = expr.replace(/\$[a-zA-Z_]+/g, (name) => {
    if (!(name in GRAFANA_VARIABLES)) throw new Error(`unknown Grafana variable ${name} in ${expr}`);
    return GRAFANA_VARIABLES[name];
  });
  return resolved;
}

/** Metric names an expression reads: identifiers followed by a selector, a range or an aggregation's end. */
export function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const m of withoutStrings.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[])/g)) names.add(m[1]);
  return [...names];
}
