#!/usr/bin/env node
// The `tessera` command runs the compiled CLI; `npm install` builds it (the `prepare` script).
import '../dist/cli.js';
