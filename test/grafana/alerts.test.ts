import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ALERT_NAMES } from '../../src/grafana/_alerts';
import { findObject } from '../util';
import { promqlExpressions, withGrafanaVariables } from './expressions';
import { synthIntegration } from './fixtures';
import { parsePromQL, promtool, tempDir } from './promtool';

const UNIT_TESTS = join(__dirname, 'alerts.rules-test.yaml');

describe.each(['3.0.3', '2.10.8'])('alert rules with Tempo %s', (version) => {
  const { integration, objects } = synthIntegration({}, version);
  const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
  // The PrometheusRule spec is a Prometheus rule file: the operator hands its groups to Prometheus.
  const dir = tempDir();
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
  copyFileSync(UNIT_TESTS, join(dir, 'alerts.rules-test.yaml'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules accepts the rule file', () => {
    const result = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(result.output).toContain(`SUCCESS: ${ALERT_NAMES.length} rules found`);
    expect(result.status).toBe(0);
  });

  test('promtool test rules: every alert fires on the series that should fire it and stays silent on healthy ones', () => {
    const result = promtool(['test', 'rules', 'alerts.rules-test.yaml'], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('dashboard and datasource PromQL parses (Grafana variables replaced by values Grafana sends)', () => {
    const expressions = promqlExpressions(integration);
    expect(expressions.length).toBeGreaterThan(30);
    const result = parsePromQL(expressions.map((e) => withGrafanaVariables(e.expr)));
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
    expect(result.status).toBe(0);
  });
});

describe('request alerts under the default tail sampling (10% baseline, errors and traces over 2 s kept)', () => {
  const { integration, objects } = synthIntegration({}, '3.0.3', { type: 'tail' });
  const rule = findObject(objects, 'PrometheusRule', 'rocketchat-tracing-alerts');
  const dir = tempDir();
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
  copyFileSync(join(__dirname, 'alerts-sampled.rules-test.yaml'), join(dir, 'alerts.rules-test.yaml'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules accepts the estimating rules, and the dashboards\' estimating queries parse', () => {
    expect(promtool(['check', 'rules', 'rules.yaml'], dir).status).toBe(0);
    const expressions = promqlExpressions(integration);
    const result = parsePromQL(expressions.map((e) => withGrafanaVariables(e.expr)));
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
  });

  test('promtool test rules: ratios and the p99 are estimated for all requests, not for the kept ones', () => {
    const result = promtool(['test', 'rules', 'alerts.rules-test.yaml'], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});

describe('the promtool unit tests', () => {
  const suite = parse(readFileSync(UNIT_TESTS, 'utf8'));
  const cases = suite.tests.flatMap((t: any) => t.alert_rule_test.map((c: any) => ({ name: t.name, ...c })));

  test.each([...ALERT_NAMES])('%s has a firing case and a silent case', (alert) => {
    const own = cases.filter((c: any) => c.alertname === alert);
    expect(own.some((c: any) => c.exp_alerts.length > 0)).toBe(true);
    expect(own.some((c: any) => c.exp_alerts.length === 0)).toBe(true);
  });

  test('firing cases expect the exact labels and all three annotations, with the runbook link of the rule', () => {
    const { integration } = synthIntegration();
    for (const c of cases.filter((x: any) => x.exp_alerts.length > 0)) {
      for (const alert of c.exp_alerts) {
        expect(alert.exp_labels.severity).toMatch(/^(critical|warning)$/);
        expect(Object.keys(alert.exp_annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
        expect(alert.exp_annotations.runbook_url).toBe(integration.runbookUrls[c.alertname as keyof typeof integration.runbookUrls]);
      }
    }
  });

  test('an expression that does not parse fails the PromQL check', () => {
    const result = parsePromQL(['sum(rate(up[5m])', withGrafanaVariables('rate(up[$__rate_interval])')]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Expression0');
  });
});
