import { Format, checkFormat } from '../common/formats';

/** The Tempo release lines this project emits configuration for. */
export type TempoLine = '3.0' | '2.10';

/** The pinned, tested patch release of each supported line. */
export const TEMPO_PINNED_VERSIONS: Readonly<Record<TempoLine, string>> = {
  '3.0': '3.0.3',
  '2.10': '2.10.8',
};

/** The version deployed when none is chosen. */
export const DEFAULT_TEMPO_VERSION = TEMPO_PINNED_VERSIONS['3.0'];

const LINES = Object.keys(TEMPO_PINNED_VERSIONS) as TempoLine[];

/** A release of a supported line; other lines are refused because their config format is unverified. */
export const TEMPO_VERSION_FORMAT: Format = {
  pattern: new RegExp(`^(${LINES.map((l) => l.replace('.', '\\.')).join('|')})\\.(0|[1-9]\\d*)$`),
  allowed: `a release of a supported line, ${LINES.map((l) => `${l}.x`).join(' or ')} (pinned: ${Object.values(TEMPO_PINNED_VERSIONS).join(', ')})`,
};

/** A Tempo version: the exact image tag and the release line whose config format it uses. */
export interface TempoVersion {
  /** The exact version, also the image tag, e.g. `3.0.3`. */
  readonly version: string;
  /** The release line deciding the configuration format. */
  readonly line: TempoLine;
}

/** Parses a `3.0.x` / `2.10.x` version. */
export function parseTempoVersion(prop: string, version: string): TempoVersion {
  const match = TEMPO_VERSION_FORMAT.pattern.exec(checkFormat(prop, version, TEMPO_VERSION_FORMAT))!;
  return { version, line: match[1] as TempoLine };
}
