#!/usr/bin/env node
// Development check (`npm run check:strict`): validates dist/ and every Tempo version x storage
// variant against the Kubernetes 1.28 and 1.34 schemas with unknown fields rejected, using the
// validator and schemas in ../shared (present in development checkouts, not in CI or npm).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { requireTs, root } = require('./_run-ts');

const shared = path.resolve(root, '..', 'shared');
const validator = path.join(shared, 'tools', 'validate-manifests.mjs');
if (!fs.existsSync(validator)) {
  console.error(`strict check needs ${validator} (the shared development folder beside this checkout)`);
  process.exit(2);
}
// The validator resolves ajv/yaml from its own location: run a copy inside our node_modules.
const work = path.join(root, 'node_modules', '.cache', 'rocketchat-tracing', 'strict');
fs.mkdirSync(work, { recursive: true });
fs.copyFileSync(validator, path.join(work, 'validate-manifests.mjs'));
for (const link of ['schemas', 'crds']) {
  fs.rmSync(path.join(work, link), { force: true, recursive: true });
  fs.symlinkSync(path.join(shared, link), path.join(work, link));
}

const variantsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-variants-'));
const targets = [path.join(root, 'dist'), ...requireTs('scripts/synth-variants.ts').synthVariants(variantsDir)];
let failed = false;
for (const target of targets) {
  for (const k8s of ['1.28.0', '1.34.0']) {
    try {
      const out = execFileSync('node', [path.join(work, 'validate-manifests.mjs'), '--k8s', k8s, target], { encoding: 'utf8' });
      console.log(`${path.basename(target)} k8s ${k8s}: ${out.trim().split('\n').pop()}`);
    } catch (error) {
      failed = true;
      console.log(`${path.basename(target)} k8s ${k8s}: FAILED\n${error.stdout}`);
    }
  }
}
fs.rmSync(variantsDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
