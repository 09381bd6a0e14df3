#!/usr/bin/env node
// Thin launcher: the compiled CLI is built by `npm ci` (the `prepare` script).
import '../dist/src/cli/main.js';
