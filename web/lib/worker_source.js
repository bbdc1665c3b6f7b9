// How the page starts its worker. The hosted page uses worker.js as an ES
// module worker. The single-file build (scripts/build_offline.mjs) carries the
// worker's code in a <script type="text/x-modelquant-worker"> element instead:
// Chromium runs no module worker from a file:// page, so that code is a
// classic script started from a blob: URL.

const EMBEDDED_WORKER_SELECTOR = 'script[type="text/x-modelquant-worker"]';

export function workerFactory() {
  const embedded = globalThis.document?.querySelector(EMBEDDED_WORKER_SELECTOR);
  if (embedded) {
    // Kept for the page's lifetime: a cancelled run starts a new worker from it.
    const url = URL.createObjectURL(new Blob([embedded.textContent], { type: 'text/javascript' }));
    return () => new Worker(url, { name: 'modelquant' });
  }
  const url = new URL('../worker.js', import.meta.url);
  return () => new Worker(url, { type: 'module', name: 'modelquant' });
}
