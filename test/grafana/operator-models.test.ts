import { GrafanaDashboardModel, GrafanaDatasourceModel, GrafanaFolderModel } from './operator-models';

const selector = { matchLabels: { dashboards: 'grafana' } };
const datasource = { name: 'Tempo', type: 'tempo', access: 'proxy', url: 'http://tempo:3200', jsonData: { filterByTraceID: true } };
const dashboardJson = JSON.stringify({ uid: 'x', title: 'X' });

function problems(Model: new (data: any) => { validate(): void }, spec: unknown): string {
  try {
    new Model({ spec }).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Grafana Operator models refuse what the CRDs refuse', () => {
  test('valid specs pass, wire names (folderUID) included', () => {
    expect(problems(GrafanaDatasourceModel, { instanceSelector: selector, uid: 'tempo', datasource })).toBe('');
    expect(problems(GrafanaDashboardModel, { instanceSelector: selector, folderUID: 'f', uid: 'x', json: dashboardJson })).toBe('');
    expect(problems(GrafanaFolderModel, { instanceSelector: selector, title: 'F', parentFolderUID: 'p' })).toBe('');
  });

  test.each([
    ['an undeclared field', GrafanaDatasourceModel, { instanceSelector: selector, datasource, folder: 'x' }, 'spec has fields the CRD does not declare'],
    ['a misspelt field', GrafanaDashboardModel, { instanceSelector: selector, folderUid: 'f', json: dashboardJson }, 'spec has fields the CRD does not declare'],
    ['no instance selector', GrafanaFolderModel, { title: 'F' }, 'spec.instanceSelector is required'],
    ['a datasource without a URL', GrafanaDatasourceModel, { instanceSelector: selector, datasource: { ...datasource, url: undefined } }, 'spec.datasource.url is required'],
    ['a datasource uid in the deprecated place', GrafanaDatasourceModel, { instanceSelector: selector, datasource: { ...datasource, uid: 'tempo' } }, 'spec.datasource.uid is deprecated'],
    ['a uid Grafana refuses', GrafanaDatasourceModel, { instanceSelector: selector, uid: 'a.b', datasource }, 'is not a Grafana uid'],
    ['two dashboard sources', GrafanaDashboardModel, { instanceSelector: selector, json: dashboardJson, url: 'http://x' }, 'exactly one dashboard source is needed, got json, url'],
    ['folderRef with folderUID', GrafanaDashboardModel, { instanceSelector: selector, json: dashboardJson, folderRef: 'f', folderUID: 'f' }, 'Only one of folderUID or folderRef'],
    ['dashboard JSON that does not parse', GrafanaDashboardModel, { instanceSelector: selector, json: '{' }, 'spec.json does not parse'],
    ['spec.uid unlike the dashboard uid', GrafanaDashboardModel, { instanceSelector: selector, uid: 'y', json: dashboardJson }, 'spec.uid y differs'],
    ['a folder without a title', GrafanaFolderModel, { instanceSelector: selector }, 'spec.title is needed'],
  ] as const)('%s', (_name, Model, spec, message) => {
    expect(problems(Model, spec)).toContain(message);
  });
});
