import { isDeepStrictEqual } from 'node:util';
import { toJson_GrafanaDashboardSpec, toJson_GrafanaDatasourceSpec, toJson_GrafanaFolderSpec } from '../../imports/grafana.integreatly.org';

/**
 * Models of the Grafana Operator kinds (grafana.integreatly.org/v1beta1), which have no model
 * package. The spec must survive a round trip through the `toJson_…Spec` function generated from
 * the CRD (it keeps only declared fields, so a lossy trip means an undeclared field), and meet the
 * CRD's required fields and validation rules.
 */

/** Free-form fields: their keys belong to Grafana or to labels, not to the CRD. */
const OPAQUE = new Set(['jsonData', 'secureJsonData', 'matchLabels']);
const GRAFANA_UID = /^[a-zA-Z0-9_-]{1,40}$/;

/** The generated types name fields in camelCase (`folderUid`) where the CRD has `folderUID`. */
function toGeneratedShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toGeneratedShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.replace(/([A-Z])([A-Z]+)$/, (_, first: string, rest: string) => first + rest.toLowerCase()), OPAQUE.has(key) ? v : toGeneratedShape(v)]),
  );
}

function roundTrip(kind: string, spec: unknown, toJson: (spec: any) => unknown): string[] {
  const back = JSON.parse(JSON.stringify(toJson(toGeneratedShape(spec)) ?? null));
  return isDeepStrictEqual(back, spec) ? [] : [`${kind} spec has fields the CRD does not declare: ${JSON.stringify(spec)} became ${JSON.stringify(back)}`];
}

function commonRules(spec: any): string[] {
  const problems: string[] = [];
  const selector = spec?.instanceSelector;
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)) {
    problems.push('spec.instanceSelector is required and must select something');
  }
  if (spec?.uid !== undefined && !GRAFANA_UID.test(spec.uid)) problems.push(`spec.uid ${JSON.stringify(spec.uid)} is not a Grafana uid`);
  return problems;
}

function model(check: (spec: any) => string[]): new (data: any) => { validate(): void } {
  return class {
    constructor(private readonly data: any) {}
    validate(): void {
      const problems = check(this.data?.spec);
      if (problems.length) throw new Error(problems.join('; '));
    }
  };
}

export const GrafanaDatasourceModel = model((spec) => [
  ...roundTrip('GrafanaDatasource', spec, toJson_GrafanaDatasourceSpec),
  ...commonRules(spec),
  ...(spec?.datasource ? [] : ['spec.datasource is required']),
  ...(['name', 'type', 'access', 'url'] as const).filter((k) => typeof spec?.datasource?.[k] !== 'string').map((k) => `spec.datasource.${k} is required`),
  // Deprecated in favour of spec.uid, which the operator uses when both are set.
  ...(spec?.datasource?.uid !== undefined ? ['spec.datasource.uid is deprecated: use spec.uid'] : []),
]);

const DASHBOARD_SOURCES = ['json', 'gzipJson', 'url', 'jsonnet', 'jsonnetLib', 'grafanaCom', 'configMapRef', 'oci'];

export const GrafanaDashboardModel = model((spec) => {
  const problems = [...roundTrip('GrafanaDashboard', spec, toJson_GrafanaDashboardSpec), ...commonRules(spec)];
  const sources = DASHBOARD_SOURCES.filter((k) => spec?.[k] !== undefined);
  if (sources.length !== 1) problems.push(`exactly one dashboard source is needed, got ${sources.join(', ') || 'none'}`);
  if (spec?.folderUID !== undefined && spec?.folderRef !== undefined) problems.push('Only one of folderUID or folderRef can be declared at the same time');
  if (spec?.folder !== undefined && (spec?.folderUID !== undefined || spec?.folderRef !== undefined)) problems.push('folder field cannot be set when folderUID or folderRef is already declared');
  if (spec?.json !== undefined) {
    try {
      const model = JSON.parse(spec.json);
      if (spec.uid !== undefined && model.uid !== spec.uid) problems.push(`spec.uid ${spec.uid} differs from the dashboard's uid ${model.uid}`);
    } catch (error) {
      problems.push(`spec.json does not parse: ${(error as Error).message}`);
    }
  }
  return problems;
});

export const GrafanaFolderModel = model((spec) => [
  ...roundTrip('GrafanaFolder', spec, toJson_GrafanaFolderSpec),
  ...commonRules(spec),
  ...(spec?.parentFolderUID !== undefined && spec?.parentFolderRef !== undefined ? ['Only one of parentFolderUID or parentFolderRef can be set'] : []),
  ...(typeof spec?.title === 'string' && spec.title.length > 0 ? [] : ['spec.title is needed for a readable folder']),
]);
