#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1048576 node --enable-source-maps --max-semi-space-size=8 --heap-growing-percent=30
// The `tessera` command (and `npm start`) runs the compiled CLI; `npm install` builds it (the
// `prepare` script).
//
// The settings above keep the process's memory near what it uses (measured with `npm run bench`,
// whose API process peaked at 197 to 244 MB without them, and at 158 to 184 MB with them):
// - MALLOC_MMAP_THRESHOLD_: glibc serves each allocation of 1 MiB or more with a mapping of its own
//   and unmaps it when freed. By default it raises that threshold after the first such free, and
//   the 16 MiB of each scrypt run (passwords, client secrets) then stayed resident in the arena of
//   every thread that ever ran one: 32 MB held for good after the first sign-ins. The price is the
//   page faults of a fresh mapping, about 4 ms on each 15 ms scrypt run.
// - --max-semi-space-size=8: the young generation may grow to 8 MiB a half instead of V8's 16.
//   Under load it always grows to the limit, so this is about 20 MB saved for good, for more,
//   shorter scavenges.
// - --heap-growing-percent=30: after each full collection the old generation may grow by 30%
//   before the next one, where V8 otherwise lets a small heap double or more. Under load the
//   heap stayed around 70 MB instead of reaching 100, for a few more full collections.
// To trade memory for throughput, run `node --max-semi-space-size=32 bin/tessera.cjs serve`.
//
// CommonJS on purpose: libuv reads UV_THREADPOOL_SIZE once, when its thread pool starts, and loading
// an ES module entry already starts it. Here it is set first: one pool thread a core, since no more
// scrypt runs than cores go at once anyway (src/auth/secrets.ts) and each holds 16 MiB while it runs.
'use strict';
const { availableParallelism } = require('node:os');

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, availableParallelism()));
import('../dist/cli.js');
