#!/usr/bin/env -S node --enable-source-maps --max-semi-space-size=8
// The `tessera` command (and `npm start`) runs the compiled CLI; `npm install` builds it (the
// `prepare` script).
//
// The V8 flag above: the young generation may grow to 8 MiB a half instead of V8's 16. Under load
// it always grows to the limit, so this is resident memory saved for good (about 20 MB), for a few
// more, shorter scavenges. To trade memory for throughput, run `node --max-semi-space-size=32
// bin/tessera.cjs serve` instead.
//
// CommonJS on purpose: libuv reads UV_THREADPOOL_SIZE once, when its thread pool starts, and loading
// an ES module entry already starts it. Here it is set first. One pool thread a core, because each
// scrypt run (passwords, client secrets) takes 16 MiB and glibc keeps that memory in the arena of
// the thread that ran it: with libuv's default four threads, a burst of sign-ins left four such
// arenas resident. No more scrypt runs than cores go at once anyway (src/auth/secrets.ts).
'use strict';
const { availableParallelism } = require('node:os');

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, availableParallelism()));
import('../dist/cli.js');
