import { invalidProp } from '../common/errors';

/** The Tempo release lines this project emits configuration for. */
export type TempoLine = '3.0' | '2.10';

/** The pinned, tested patch release of each supported line. */
export const TEMPO_PINNED_VERSIONS: Readonly<Record<TempoLine, string>> = {
  '3.0': '3.0.3',
  '2.10': '2.10.8',
};

/** A Tempo version: the exact image tag and the release line whose config format it uses. */
export interface TempoVersion {
  /** The exact version, also the image tag, e.g. `3.0.3`. */
  readonly version: string;
  /** The release line deciding the configuration format. */
  readonly line: TempoLine;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** Parses `3.0.x` / `2.10.x`; any other line is refused because its config format is unverified. */
export function parseTempoVersion(prop: string, version: string): TempoVersion {
  const match = typeof version === 'string' ? VERSION.exec(version) : null;
  const line = match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
  if (!match || !(line! in TEMPO_PINNED_VERSIONS)) {
    return invalidProp(prop, `a release of a supported line, 3.0.x or 2.10.x (pinned: ${Object.values(TEMPO_PINNED_VERSIONS).join(', ')})`, version);
  }
  return { version, line: line as TempoLine };
}
