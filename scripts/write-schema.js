#!/usr/bin/env node
// Writes tracing.config.schema.json from the config schema in src/config (`npm run schema`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { requireTs, root } = require('./_run-ts');

const { tracingConfigJsonSchema } = requireTs('src/config/load-config.ts');
fs.writeFileSync(path.join(root, 'tracing.config.schema.json'), `${JSON.stringify(tracingConfigJsonSchema(), null, 2)}\n`);
