// Runs a TypeScript entry of this repository without ts-node's start-up cost: esbuild bundles
// it (packages from node_modules stay external) into a cache file that is rebuilt only when a
// file under src/, imports/, scripts/, test/ or bench/ is newer than it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'rocketchat-tracing');
const sourceDirs = ['src', 'imports', 'scripts', 'test', 'bench'].map((d) => path.join(root, d));

function newestMtime(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Bundles `entry` (relative to the repository root) if needed and returns the bundle's path. */
function bundle(entry) {
  // Keyed by checkout too: several checkouts may share one node_modules.
  const checkout = require('node:crypto').createHash('sha256').update(root).digest('hex').slice(0, 12);
  const outfile = path.join(cacheDir, checkout, entry.replace(/[\\/]/g, '_').replace(/\.ts$/, '.js'));
  const fresh = fs.existsSync(outfile) && sourceDirs.every((d) => newestMtime(d) < fs.statSync(outfile).mtimeMs);
  if (!fresh) {
    require('esbuild').buildSync({
      entryPoints: [path.join(root, entry)],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
    });
  }
  return outfile;
}

/** Loads `entry` (relative to the repository root) and returns its exports. */
function requireTs(entry) {
  return require(bundle(entry));
}

module.exports = { bundle, requireTs, root };
