// The hosted page's Web Worker (an ES module worker): loads dist/modelquant.mjs
// (the module built by scripts/build_web.sh) and serves the page's requests
// (worker_handlers.js).

import { serveModelRequests } from './worker_handlers.js';

const MODULE_URL = new URL('./dist/modelquant.mjs', import.meta.url);

serveModelRequests(self, async () => {
  let loadModelQuant;
  try {
    ({ loadModelQuant } = await import(MODULE_URL.href));
  } catch (error) {
    throw new Error(`${error.message}. The page needs dist/modelquant.mjs beside it: build it with scripts/build_web.sh`);
  }
  return loadModelQuant();
});
