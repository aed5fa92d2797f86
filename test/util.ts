import { execFileSync } from 'node:child_process';
import { Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { TracingStack, TracingStackProps } from '../src';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

/** The explicit plaintext choice, for tests about other things. */
export const PLAINTEXT = { enabled: false } as const;

/** Stack props with `tls` defaulting to plaintext. */
export function stackProps(props: Partial<TracingStackProps> = {}): TracingStackProps {
  return { tls: PLAINTEXT, ...props };
}

/** Synthesizes a TracingStack the way the app does and returns its objects. */
export function synthStack(props: Partial<TracingStackProps> = {}): K8sObject[] {
  const app = Testing.app();
  const chart = new TracingStack(app, 'rocketchat-tracing', stackProps(props));
  return Testing.synth(chart) as K8sObject[];
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The tempo.yaml and overrides.yaml Tempo reads, parsed. */
export function tempoFiles(objects: K8sObject[], name = 'tempo'): { config: any; overrides: any } {
  const cm = findObject(objects, 'ConfigMap', `${name}-config`);
  return { config: parse(cm.data['tempo.yaml']), overrides: parse(cm.data['overrides.yaml']) };
}

export function tempoContainer(objects: K8sObject[], name = 'tempo'): any {
  return findObject(objects, 'StatefulSet', name).spec.template.spec.containers[0];
}

/** The objects `kubectl kustomize <dir>` renders (kubectl's built-in kustomize, offline). */
export function kustomize(dir: string): any[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error: any) {
    if (error.code === 'ENOENT') throw new Error('kubectl is needed for the kustomize checks (kubectl kustomize); install kubectl');
    throw new Error(`kubectl kustomize failed: ${error.stderr}`);
  }
  return parseAllDocuments(out).map((d) => d.toJS());
}
