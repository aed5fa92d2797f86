/**
 * Every container image this project emits, pinned. Bumping one is a reviewed change with its
 * config checked against the new version.
 */
export const IMAGES = {
  tempo: 'docker.io/grafana/tempo',
} as const;

/** A full image reference `<repository>:<tag>`. */
export function imageRef(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}
