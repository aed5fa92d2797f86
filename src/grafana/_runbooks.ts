/**
 * The project README as published with the npm package; its "Troubleshooting" section has one
 * subsection per alert. Each alert's `runbook_url` is this base plus `#<anchor>`.
 */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://www.npmjs.com/package/rocketchat-tracing';

/**
 * The anchor GitHub and npm generate for a `### <AlertName>` heading: lowercased, and alert names have
 * no spaces or punctuation to drop.
 */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}
