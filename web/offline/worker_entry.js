// The single-file build's worker (bundled into one classic script by
// scripts/build_offline.mjs and started from a blob: URL): the same handlers
// as worker.js, with the module whose .wasm is embedded in its JavaScript
// (the SINGLE_FILE build), so nothing is fetched.

import { loadModelQuant } from '../dist/modelquant.mjs';
import createCore from '../dist/modelquant-single.mjs';
import { serveModelRequests } from '../worker_handlers.js';

serveModelRequests(self, () => loadModelQuant({ factory: createCore }));
