#!/usr/bin/env node
'use strict';
// The `stoflow` command: runs the compiled CLI (npm run build writes dist/).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('stoflow: the CLI is not built yet: run `npm run build` first (or use `npm run stoflow -- …`, which builds)\n');
  process.exit(2);
}
require(main).main();
