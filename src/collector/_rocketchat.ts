/**
 * OTTL statements that make Rocket.Chat's spans usable. Rocket.Chat (packages/tracing) sets no
 * span kind (everything is INTERNAL), names REST spans `<METHOD> <url>` with the router's fake
 * host and the query string (`GET http://localhost/api/v1/rooms.info?roomId=…`), names webhook
 * spans with the secret token, and puts user ids, method arguments and whole Mongo commands in
 * attributes. Without cleaning, span metrics and the service graph explode in cardinality and
 * traces carry personal data.
 */

/** What to do with a sensitive attribute. */
export const SENSITIVE_ACTIONS = ['drop', 'hash', 'keep'] as const;
export type SensitiveAttributeAction = (typeof SENSITIVE_ACTIONS)[number];

/** Resolved hygiene options. */
export interface RocketChatHygiene {
  readonly normalizeSpanNames: boolean;
  readonly setSpanKind: boolean;
  /** Mark REST spans that answered 5xx as errors (Rocket.Chat only records the code as `status`). */
  readonly markServerErrors: boolean;
  /** Attribute name → action. */
  readonly attributes: Readonly<Record<string, SensitiveAttributeAction>>;
}

const HTTP_METHOD = '(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)';
const IS_REST_SPAN = `IsMatch(span.name, "^${HTTP_METHOD} ")`;
// Id shapes in Rocket.Chat paths: Mongo ObjectIds, direct-message room ids (two user ids) and
// Meteor Random.id. OTTL's RE2 has no lookahead, so a match ends at "/" or the end and is put
// back; a second pass catches ids in consecutive segments.
const ID_PATTERNS = ['[0-9a-f]{24}', '[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{34}', '[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}'];

/** OTTL string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * The span-context statements, in order, written to the config file as they are. The collector
 * rewrites `${…}` (environment references) and `$$` (an escaped `$`) in config strings; a single
 * `$` (regex anchors, `$1` capture references) reaches OTTL unchanged.
 */
export function rocketChatSpanStatements(h: RocketChatHygiene): string[] {
  return assertNotRewritten(ottlStatements(h));
}

/** Refuses statements the collector's config expansion would rewrite. */
export function assertNotRewritten(statements: string[]): string[] {
  const rewritten = statements.find((s) => s.includes('${') || s.includes('$$'));
  if (rewritten) throw new Error(`OTTL statement would be rewritten by config expansion: ${rewritten}`);
  return statements;
}

/** A span-name rewrite: OTTL `replace_pattern` with an RE2 pattern and `$n` references. */
export interface NameRule {
  readonly pattern: string;
  readonly replacement: string;
  /** Only REST spans (`<METHOD> …`). */
  readonly restOnly: boolean;
  /** Skipped for names matching this RE2 pattern. */
  readonly unless?: string;
}

// `/api/v1/method.call/<method>` ends in a method name, which may look like a Meteor id.
const METHOD_CALL_PATH = '/method[.]call(Anon)?/';

/** The span-name rewrites, in order. */
export const NAME_RULES: readonly NameRule[] = [
  // "GET http://localhost/api/v1/x?y" -> "GET /api/v1/x?y"
  { pattern: `^${HTTP_METHOD} https?://[^/]+`, replacement: '$1 ', restOnly: true },
  // Query strings carry ids and search terms.
  { pattern: '[?].*$', replacement: '', restOnly: true },
  // Incoming webhooks put the integration id and its secret token in the path.
  { pattern: '/hooks/[^/]+(/.*)?$', replacement: '/hooks/{integrationId}/{token}', restOnly: true },
  ...[0, 1].flatMap(() => ID_PATTERNS.map((id) => ({ pattern: `/${id}(/|$)`, replacement: '/{id}$1', restOnly: true, unless: METHOD_CALL_PATH }))),
  // Cursor ids make one span name per cursor.
  { pattern: '^mongodb [0-9]+[.]getMore$', replacement: 'mongodb getMore', restOnly: false },
];

function ottlStatements(h: RocketChatHygiene): string[] {
  const statements: string[] = [];
  if (h.normalizeSpanNames) {
    for (const rule of NAME_RULES) {
      const conditions = [...(rule.restOnly ? [IS_REST_SPAN] : []), ...(rule.unless ? [`not IsMatch(span.name, ${str(rule.unless)})`] : [])];
      statements.push(`replace_pattern(span.name, ${str(rule.pattern)}, ${str(rule.replacement)})${conditions.length ? ` where ${conditions.join(' and ')}` : ''}`);
    }
  }
  if (h.setSpanKind) {
    statements.push(
      // A REST span is the server side of an inbound request; a Mongo span is a database client call.
      `set(span.kind, SPAN_KIND_SERVER) where span.kind == SPAN_KIND_INTERNAL and ${IS_REST_SPAN}`,
      `set(span.kind, SPAN_KIND_CLIENT) where span.kind == SPAN_KIND_INTERNAL and span.attributes["db.system"] == "mongodb"`,
    );
  }
  if (h.markServerErrors) {
    // Rocket.Chat's REST middleware records the response code in `status` but sets no span status:
    // without this, failed requests count as successes in span metrics, dashboards and alerts.
    statements.push(`set(span.status.code, STATUS_CODE_ERROR) where ${IS_REST_SPAN} and IsInt(span.attributes["status"]) and span.attributes["status"] >= 500`);
  }
  for (const [attribute, action] of Object.entries(h.attributes)) {
    if (action === 'drop') statements.push(`delete_key(span.attributes, ${str(attribute)})`);
    if (action === 'hash') {
      const value = `span.attributes[${str(attribute)}]`;
      // SHA256 takes a string; a list (e.g. parameters) would be skipped and exported as is.
      statements.push(`delete_key(span.attributes, ${str(attribute)}) where ${value} != nil and not IsString(${value})`);
      statements.push(`set(${value}, SHA256(${value})) where ${value} != nil`);
    }
  }
  return statements;
}
