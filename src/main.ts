import { App } from 'cdk8s';
import { ValidationError } from './common/errors';
import { loadTracingConfig } from './config/load-config';
import { TracingStack } from './tracing-stack';

/** The chart id: the synthesized file is `dist/rocketchat-tracing.k8s.yaml`. */
export const CHART_ID = 'rocketchat-tracing';

try {
  const { props } = loadTracingConfig();
  const app = new App();
  new TracingStack(app, CHART_ID, props);
  app.synth();
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
