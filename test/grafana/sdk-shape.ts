import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as tempo from '@grafana/grafana-foundation-sdk/tempo';

/**
 * The fields of the foundation SDK's types, listed so that parsed dashboard JSON can be checked
 * against them at run time. `Complete` makes the compiler refuse a list missing a field of its
 * type, so the lists follow the SDK when it is bumped.
 */
type Fields<T> = Exclude<keyof T, '_implementsDataqueryVariant'>;
type Complete<T, L extends readonly Fields<T>[]> = [Exclude<Fields<T>, L[number]>] extends [never] ? L : never;
const fields = <T>() => <const L extends readonly Fields<T>[]>(list: Complete<T, L>): ReadonlySet<string> => new Set<string>(list as readonly string[]);

const DASHBOARD = fields<dashboard.Dashboard>()([
  'id', 'uid', 'title', 'description', 'revision', 'gnetId', 'tags', 'timezone', 'editable', 'graphTooltip', 'time', 'timepicker',
  'fiscalYearStartMonth', 'liveNow', 'weekStart', 'refresh', 'schemaVersion', 'version', 'panels', 'templating', 'annotations', 'links',
  'snapshot', 'preload',
]);
const PANEL = fields<dashboard.Panel>()([
  'type', 'id', 'pluginVersion', 'targets', 'title', 'description', 'transparent', 'datasource', 'gridPos', 'links', 'repeat',
  'repeatDirection', 'maxPerRow', 'maxDataPoints', 'transformations', 'interval', 'timeFrom', 'timeShift', 'hideTimeOverride',
  'timeCompare', 'libraryPanel', 'cacheTimeout', 'queryCachingTTL', 'options', 'fieldConfig',
]);
const ROW = fields<dashboard.RowPanel>()(['type', 'collapsed', 'title', 'datasource', 'gridPos', 'id', 'panels', 'repeat']);
const VARIABLE = fields<dashboard.VariableModel>()([
  'type', 'name', 'label', 'hide', 'skipUrlSync', 'description', 'query', 'datasource', 'current', 'multi', 'allowCustomValue',
  'options', 'refresh', 'sort', 'includeAll', 'allValue', 'regex', 'staticOptions', 'staticOptionsOrder', 'auto', 'auto_min',
  'auto_count', 'definition',
]);
const GRID_POS = fields<dashboard.GridPos>()(['h', 'w', 'x', 'y', 'static']);
const FIELD_CONFIG_SOURCE = fields<dashboard.FieldConfigSource>()(['defaults', 'overrides']);
const FIELD_CONFIG = fields<dashboard.FieldConfig>()([
  'displayName', 'displayNameFromDS', 'description', 'path', 'writeable', 'filterable', 'unit', 'decimals', 'min', 'max', 'mappings',
  'thresholds', 'color', 'links', 'actions', 'noValue', 'custom', 'fieldMinMax',
]);
const TRANSFORMATION = fields<dashboard.DataTransformerConfig>()(['id', 'disabled', 'filter', 'topic', 'options']);
const DATASOURCE_REF = fields<common.DataSourceRef>()(['type', 'uid']);
const PROMETHEUS_QUERY = fields<prometheus.Dataquery>()([
  'adhocFilters', 'datasource', 'editorMode', 'exemplar', 'expr', 'format', 'groupByKeys', 'hide', 'instant', 'intervalFactor',
  'intervalMs', 'legendFormat', 'maxDataPoints', 'queryType', 'range', 'refId', 'resultAssertions', 'scopes', 'timeRange', 'interval',
]);
const TEMPO_QUERY = fields<tempo.Dataquery>()([
  'refId', 'hide', 'queryType', 'query', 'search', 'serviceName', 'spanName', 'minDuration', 'maxDuration', 'serviceMapQuery',
  'serviceMapIncludeNamespace', 'limit', 'spss', 'filters', 'groupBy', 'tableType', 'step', 'exemplars', 'datasource', 'metricsQueryType',
]);

function unknownFields(where: string, value: unknown, allowed: ReadonlySet<string>, required: readonly string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${where} is not an object`];
  return [
    ...Object.keys(value).filter((k) => !allowed.has(k)).map((k) => `${where}.${k} is not a field of the SDK type`),
    ...required.filter((k) => !(k in value)).map((k) => `${where}.${k} is required by the SDK type`),
  ];
}

/**
 * Every field of a parsed dashboard, its panels, targets and variables belongs to the foundation
 * SDK type it stands for, and the required ones are present. Returns one message per problem.
 */
export function sdkShapeProblems(model: any): string[] {
  const problems = unknownFields('dashboard', model, DASHBOARD, ['schemaVersion', 'templating', 'annotations']);
  for (const [i, v] of (model.templating?.list ?? []).entries()) {
    problems.push(...unknownFields(`templating.list[${i}]`, v, VARIABLE, ['type', 'name']));
    if (v.datasource) problems.push(...unknownFields(`templating.list[${i}].datasource`, v.datasource, DATASOURCE_REF));
  }
  for (const [i, panel] of (model.panels ?? []).entries()) {
    const where = `panels[${i}]`;
    if (panel.type === 'row') {
      problems.push(...unknownFields(where, panel, ROW, ['type', 'collapsed', 'id', 'panels']));
      continue;
    }
    problems.push(...unknownFields(where, panel, PANEL, ['type']));
    if (panel.gridPos) problems.push(...unknownFields(`${where}.gridPos`, panel.gridPos, GRID_POS, ['h', 'w', 'x', 'y']));
    if (panel.datasource) problems.push(...unknownFields(`${where}.datasource`, panel.datasource, DATASOURCE_REF));
    if (panel.fieldConfig) {
      problems.push(...unknownFields(`${where}.fieldConfig`, panel.fieldConfig, FIELD_CONFIG_SOURCE, ['defaults', 'overrides']));
      problems.push(...unknownFields(`${where}.fieldConfig.defaults`, panel.fieldConfig.defaults, FIELD_CONFIG));
    }
    for (const [j, t] of (panel.transformations ?? []).entries()) problems.push(...unknownFields(`${where}.transformations[${j}]`, t, TRANSFORMATION, ['id', 'options']));
    for (const [j, target] of (panel.targets ?? []).entries()) {
      const type = target.datasource?.type;
      if (type === 'prometheus') problems.push(...unknownFields(`${where}.targets[${j}]`, target, PROMETHEUS_QUERY, ['expr']));
      else if (type === 'tempo') problems.push(...unknownFields(`${where}.targets[${j}]`, target, TEMPO_QUERY, ['filters']));
      else problems.push(`${where}.targets[${j}] has no prometheus or tempo datasource`);
    }
  }
  return problems;
}
