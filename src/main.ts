import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { ValidationError } from './common/errors';
import { ConfigFileError, loadTracingConfig } from './config/load-config';
import { rocketChatDeliveryFiles } from './rocketchat/delivery-files';
import { TracingStack } from './tracing-stack';

/** The chart id: the synthesized file is `dist/rocketchat-tracing.k8s.yaml`. */
export const CHART_ID = 'rocketchat-tracing';

let configFile: string | undefined;
try {
  const { props, file } = loadTracingConfig();
  configFile = file;
  const app = new App();
  const stack = new TracingStack(app, CHART_ID, props);
  app.synth();
  // The patches go into the output folder, the Helm values into `helm/` beside it.
  const outdir = path.resolve(app.outdir);
  for (const [file, content] of Object.entries(rocketChatDeliveryFiles(stack.rocketChat, path.basename(outdir)))) {
    const target = path.join(path.dirname(outdir), file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // The constructs' own checks name the prop path, which is the key path in the config file.
  const where = configFile && !(error instanceof ConfigFileError) ? `${configFile}: ` : '';
  process.stderr.write(`error: ${where}${error.message}\n`);
  process.exit(1);
}
