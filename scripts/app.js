#!/usr/bin/env node
// The cdk8s app (cdk8s.yaml `app`): runs src/main.ts from the current sources.
'use strict';
require('./_run-ts').requireTs('src/main.ts');
