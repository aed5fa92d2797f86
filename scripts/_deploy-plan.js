#!/usr/bin/env node
// Splits a synthesized manifest into apply phases for scripts/deploy-tracing-stack.sh and prints
// the plan as tab-separated lines:
//   object <phase> <apiVersion> <kind> <namespace or -> <name> <required CRD or ->
//   rollout <namespace> <deployment|statefulset|daemonset> <name>
//   verify-collector <namespace> <service> <otlp-http port or -> <Secret with the receivers' ca.crt, or - for plaintext>
//   verify-tempo <namespace> <service> <http port>
//   verify-sampling <all | errors-kept | head <percent>>
//   verify-tenant <tenant, or - when the collector drops spans from its own namespace>  (only with tenant routing)
// Phases: 1 Namespaces, 2 built-in kinds, 3 custom resources (which need their CRDs).
// Usage: node scripts/_deploy-plan.js <manifest> <output directory for the phase files>
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parse, parseAllDocuments, stringify } = require('yaml');

const COLLECTOR_COMPONENTS = ['trace-collector', 'trace-agent', 'trace-sampler'];
const PHASE_FILES = { 1: '1-namespaces.yaml', 2: '2-built-in.yaml', 3: '3-custom-resources.yaml' };

function group(apiVersion) {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Kubernetes' own API groups: the core group, the dotless ones (apps, batch, …) and *.k8s.io. */
function builtInGroup(name) {
  return !name.includes('.') || name.endsWith('.k8s.io');
}

/** CRD names are `<plural>.<group>`; every kind this project emits pluralises with "s". */
function crdName(obj) {
  return `${obj.kind.toLowerCase()}s.${group(obj.apiVersion)}`;
}

function main() {
  const [manifest, outdir] = process.argv.slice(2);
  if (!manifest || !outdir) {
    process.stderr.write('usage: _deploy-plan.js <manifest> <output directory>\n');
    process.exit(2);
  }
  const docs = parseAllDocuments(fs.readFileSync(manifest, 'utf8'));
  const bad = docs.find((d) => d.errors.length);
  if (bad) {
    process.stderr.write(`${manifest}: not valid YAML: ${bad.errors[0].message}\n`);
    process.exit(1);
  }
  const objects = docs.map((d) => d.toJS()).filter((o) => o && o.kind);
  const phases = { 1: [], 2: [], 3: [] };
  const lines = [];
  for (const obj of objects) {
    const builtIn = builtInGroup(group(obj.apiVersion));
    const phase = obj.kind === 'Namespace' ? 1 : builtIn ? 2 : 3;
    phases[phase].push(obj);
    lines.push(['object', phase, obj.apiVersion, obj.kind, obj.metadata.namespace ?? '-', obj.metadata.name, builtIn ? '-' : crdName(obj)]);
  }
  for (const obj of objects) {
    if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet' || obj.kind === 'DaemonSet') {
      lines.push(['rollout', obj.metadata.namespace, obj.kind.toLowerCase(), obj.metadata.name]);
    }
  }
  const component = (name) => objects.find((o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === name && o.spec?.clusterIP !== 'None');
  const collector = component('trace-collector');
  // Tempo answers queries from the monolith, or from the query-frontends of the scalable profile.
  const tempo = component('trace-store') ?? component('trace-store-query-frontend');
  // The collector's configs: one (gateway), or the agents' and the samplers' (agentGateway).
  const configs = objects
    .filter((o) => o.kind === 'ConfigMap' && COLLECTOR_COMPONENTS.includes(o.metadata.labels?.['app.kubernetes.io/component']))
    .map((o) => parse(Object.values(o.data)[0]));
  // Spans are received where OTLP/HTTP listens, and sampled where a sampler runs.
  const receiving = configs.find((c) => c.receivers?.otlp?.protocols?.http) ?? configs[0];
  const config = configs.find((c) => c.processors?.tail_sampling || c.processors?.probabilistic_sampler) ?? configs[0];
  if (collector) {
    const http = collector.spec.ports.find((p) => p.name === 'otlp-http');
    lines.push(['verify-collector', collector.metadata.namespace, collector.metadata.name, http ? http.port : '-', receiverCaSecret(objects, receiving) ?? '-']);
  }
  if (tempo) {
    const http = tempo.spec.ports.find((p) => p.name === 'http');
    lines.push(['verify-tempo', tempo.metadata.namespace, tempo.metadata.name, http.port]);
  }
  // Whether a test span with status ERROR is sure to be kept.
  if (config) {
    const processors = config.processors ?? {};
    const tail = processors.tail_sampling;
    const head = processors.probabilistic_sampler;
    if (tail) {
      const keepsErrors = (tail.policies ?? []).some((p) => p.type === 'status_code' && (p.status_code?.status_codes ?? []).includes('ERROR'));
      lines.push(keepsErrors ? ['verify-sampling', 'errors-kept'] : ['verify-sampling', 'tail-without-errors']);
    } else if (head) {
      lines.push(['verify-sampling', 'head', head.sampling_percentage]);
    } else {
      lines.push(['verify-sampling', 'all']);
    }
  }
  // With tenant routing (the routing connector, in the tier that exports to Tempo), the test span,
  // sent from the collector's namespace, lands in that namespace's tenant, else in the default
  // tenant, else nowhere.
  const routed = configs.find((c) => c.connectors?.routing);
  const routing = routed?.connectors?.routing;
  if (routing && collector) {
    const namespaceOf = (route) => /^attributes\["k8s\.namespace\.name"\] == "([^"]+)"$/.exec(route.condition ?? '')?.[1];
    const route = (routing.table ?? []).find((r) => namespaceOf(r) === collector.metadata.namespace);
    const pipeline = routed.service.pipelines[route ? route.pipelines[0] : (routing.default_pipelines ?? [])[0]];
    const tenant = pipeline && routed.exporters[pipeline.exporters[0]]?.headers?.['X-Scope-OrgID'];
    lines.push(['verify-tenant', tenant ?? '-']);
  }
  fs.mkdirSync(outdir, { recursive: true });
  for (const [phase, file] of Object.entries(PHASE_FILES)) {
    if (phases[phase].length) fs.writeFileSync(path.join(outdir, file), phases[phase].map((o) => stringify(o)).join('---\n'));
  }
  process.stdout.write(lines.map((l) => l.join('\t')).join('\n') + '\n');
}

main();

/** The Secret whose certificate the collector's OTLP/HTTP receiver serves (its ca.crt verifies it). */
function receiverCaSecret(objects, config) {
  const certFile = config?.receivers?.otlp?.protocols?.http?.tls?.cert_file;
  if (!certFile) return undefined;
  const workload = objects.find(
    (o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && ['trace-collector', 'trace-agent'].includes(o.metadata.labels?.['app.kubernetes.io/component']),
  );
  const pod = workload?.spec.template.spec;
  const mount = (pod?.containers[0].volumeMounts ?? []).find((m) => certFile.startsWith(`${m.mountPath}/`));
  const volume = mount && pod.volumes.find((v) => v.name === mount.name);
  if (!volume?.secret) throw new Error(`the collector serves ${certFile}, which no Secret volume of its pod provides`);
  return volume.secret.secretName;
}
