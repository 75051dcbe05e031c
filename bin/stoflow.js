#!/usr/bin/env node
'use strict';
// The `stoflow` command (`npx stoflow …` in a checkout): runs the compiled CLI, building it first
// when dist/ is missing or older than the sources (see ensure-built.js).
const { join } = require('node:path');
const { ensureBuilt } = require('./ensure-built');

const root = join(__dirname, '..');
if (!ensureBuilt(root)) process.exit(2);
require(join(root, 'dist', 'src', 'cli', 'main.js')).main();
