/**
 * Every container image this project emits, pinned. Bumping one is a reviewed change with its
 * config checked against the new version.
 */
export const IMAGES = {
  tempo: 'docker.io/grafana/tempo',
  collector: 'docker.io/otel/opentelemetry-collector-contrib',
} as const;

/** The pinned collector-contrib release; its config is checked against this tag. */
export const COLLECTOR_VERSION = '0.158.0';

/** A full image reference `<repository>:<tag>`. */
export function imageRef(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}
