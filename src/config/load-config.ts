import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { ValidationError } from '../common/errors';
import { TracingStackProps } from '../tracing-stack';
import { TracingConfig, tracingConfigSchema } from './tracing-config';

export { TracingConfig } from './tracing-config';

/** Default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = 'tracing.config.yaml';
/** Environment variable naming another config file. */
export const CONFIG_FILE_ENV = 'TRACING_CONFIG';

/** A problem with the config file itself: its YAML or its keys, types and formats. */
export class ConfigFileError extends ValidationError {}

/** Every config file is a valid set of TracingStack props; the compiler keeps the two in step. */
const configIsProps = (config: TracingConfig): TracingStackProps => config;

/**
 * Validates a parsed config value. Throws a ValidationError listing every problem as
 * `<file>: <key path>: expected <allowed>, got <value>`.
 */
export function parseTracingConfig(value: unknown, file: string): TracingStackProps {
  const errors: string[] = [];
  const config = tracingConfigSchema.check(value ?? {}, '', errors);
  if (errors.length > 0 || config === undefined) {
    throw new ConfigFileError(`invalid configuration in ${file}:\n${errors.map((e) => `  ${file}: ${e}`).join('\n')}`);
  }
  return configIsProps(config);
}

/**
 * Reads the config file: `$TRACING_CONFIG` if set, else `tracing.config.yaml`. One must exist:
 * it decides at least `tls`.
 */
export function loadTracingConfig(env: Readonly<Record<string, string | undefined>> = process.env): { props: TracingStackProps; file?: string } {
  const explicit = env[CONFIG_FILE_ENV];
  const file = explicit || DEFAULT_CONFIG_FILE;
  if (!fs.existsSync(file)) {
    if (explicit) throw new ConfigFileError(`${CONFIG_FILE_ENV}=${explicit}: file not found`);
    throw new ConfigFileError(
      `${DEFAULT_CONFIG_FILE} not found in ${process.cwd()}: copy tracing.config.example.yaml, or write one with at least \`tls: { enabled: false }\` (plaintext inside the cluster) or \`tls: { enabled: true, certManager: { name: <ClusterIssuer> } }\`, or set ${CONFIG_FILE_ENV}`,
    );
  }
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(`invalid YAML in ${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return { props: parseTracingConfig(doc.toJS(), file), file };
}

/** The JSON Schema of the config file, for editors. */
export function tracingConfigJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'rocketchat-tracing configuration (tracing.config.yaml)',
    ...tracingConfigSchema.jsonSchema(),
  };
}
