/** One label matcher of a PromQL selector. */
export type Matcher = readonly [label: string, op: '=' | '!=' | '=~' | '!~', value: string];

/** `metric{a="x", b=~"y"}`; values are quoted with JSON escaping, a subset of PromQL's. */
export function sel(metric: string, matchers: readonly Matcher[] = []): string {
  return matchers.length ? `${metric}{${matchers.map(([label, op, value]) => `${label}${op}${JSON.stringify(value)}`).join(', ')}}` : metric;
}

export function rate(selector: string, range: string): string {
  return `rate(${selector}[${range}])`;
}

/** `sum by (…) (expr)`, or `sum(expr)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${expr})` : `sum(${expr})`;
}

/** `histogram_quantile(q, sum by (le, …) (rate(bucket[range])))`: quantiles from bucket rates, never summed buckets. */
export function quantile(q: number, bucketSelector: string, by: readonly string[], range: string): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...by], rate(bucketSelector, range))})`;
}

/** Regex matching exactly one of `values`. */
export function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** `0.05` → `5%`, without floating-point noise (`0.07 * 100` is 7.000000000000001). */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}
