import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { ValidationError } from './common/errors';
import { ConfigFileError, loadTracingConfig } from './config/load-config';
import { deliveryFiles } from './delivery-files';
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
  // The Helm values files and kustomize patches belong to the project whose output folder this is;
  // `cdk8s synth --stdout` synthesizes into a temporary folder and gets none.
  const project = path.dirname(path.resolve(app.outdir));
  if (project === process.cwd()) {
    const { version } = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    for (const [file, content] of Object.entries(deliveryFiles(stack, { chartVersion: version }))) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), content);
    }
  }
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // The constructs' own checks name the prop path, which is the key path in the config file.
  const where = configFile && !(error instanceof ConfigFileError) ? `${configFile}: ` : '';
  process.stderr.write(`error: ${where}${error.message}\n`);
  process.exit(1);
}
