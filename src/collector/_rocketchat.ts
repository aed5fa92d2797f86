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
  /** Attribute name → action. */
  readonly attributes: Readonly<Record<string, SensitiveAttributeAction>>;
}

const HTTP_METHOD = '(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)';
const IS_REST_SPAN = `IsMatch(name, "^${HTTP_METHOD} ")`;
// Id shapes in Rocket.Chat paths: Mongo ObjectIds, direct-message room ids (two user ids) and
// Meteor Random.id. OTTL's RE2 has no lookahead, so a match ends at "/" or the end and is put
// back; a second pass catches ids in consecutive segments.
const ID_PATTERNS = ['[0-9a-f]{24}', '[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{34}', '[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}'];

/** OTTL string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * The span-context statements, in order, as they appear in the config file: every `$` (regex
 * anchors, `$1` capture references) is written `$$`, the collector's escape for a literal `$`,
 * so none can be taken for an environment reference.
 */
export function rocketChatSpanStatements(h: RocketChatHygiene): string[] {
  return ottlStatements(h).map((s) => s.replace(/\$/g, '$$$$'));
}

function ottlStatements(h: RocketChatHygiene): string[] {
  const statements: string[] = [];
  if (h.normalizeSpanNames) {
    statements.push(
      // "GET http://localhost/api/v1/x?y" -> "GET /api/v1/x?y"
      `replace_pattern(name, ${str(`^${HTTP_METHOD} https?://[^/]+`)}, "$1") where ${IS_REST_SPAN}`,
      // Query strings carry ids and search terms.
      `replace_pattern(name, ${str('\\?.*$')}, "") where ${IS_REST_SPAN}`,
      // Incoming webhooks put the integration id and its secret token in the path.
      `replace_pattern(name, ${str('/hooks/[^/]+(/.*)?$')}, "/hooks/{integrationId}/{token}") where ${IS_REST_SPAN}`,
    );
    for (let pass = 0; pass < 2; pass++) {
      for (const id of ID_PATTERNS) {
        statements.push(`replace_pattern(name, ${str(`/${id}(/|$)`)}, "/{id}$1") where ${IS_REST_SPAN}`);
      }
    }
    // Cursor ids make one span name per cursor.
    statements.push(`replace_pattern(name, ${str('^mongodb [0-9]+\\.getMore$')}, "mongodb getMore")`);
  }
  if (h.setSpanKind) {
    statements.push(
      // A REST span is the server side of an inbound request; a Mongo span is a database client call.
      `set(kind, SPAN_KIND_SERVER) where kind == SPAN_KIND_INTERNAL and ${IS_REST_SPAN}`,
      `set(kind, SPAN_KIND_CLIENT) where kind == SPAN_KIND_INTERNAL and attributes["db.system"] == "mongodb"`,
    );
  }
  for (const [attribute, action] of Object.entries(h.attributes)) {
    if (action === 'drop') statements.push(`delete_key(attributes, ${str(attribute)})`);
    if (action === 'hash') statements.push(`set(attributes[${str(attribute)}], SHA256(attributes[${str(attribute)}])) where attributes[${str(attribute)}] != nil`);
  }
  return statements;
}
