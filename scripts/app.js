#!/usr/bin/env node
// The cdk8s app entry (cdk8s.yaml `app`). It runs the current TypeScript sources without
// ts-node's start-up cost: esbuild bundles src/main.ts (packages stay external) into a cache
// file, rebuilt only when a source file is newer than it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const outfile = path.join(root, 'node_modules', '.cache', 'rocketchat-tracing', 'main.js');
const sourceDirs = ['src', 'imports'].map((d) => path.join(root, d));

function newestSourceMtime(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!fs.existsSync(outfile)) return false;
  const built = fs.statSync(outfile).mtimeMs;
  return sourceDirs.every((dir) => newestSourceMtime(dir) < built);
}

if (!bundleIsFresh()) {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'src', 'main.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
  });
}
require(outfile);
