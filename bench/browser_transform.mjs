// P2 in a browser: quantize_weights with the wasm module inside a Web Worker
// of headless Chromium (/usr/bin/chromium through playwright-core), as the
// web page runs it. Timed in the worker from the model's bytes (already
// fetched) to the result's bytes; median of RUNS after one warm-up, with the
// module instantiated once. Prints one JSON line per model: {path, seconds}.
//
//   node bench/browser_transform.mjs WASM_DIR MODEL.pb... [--runs 5]
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const [wasmDir, ...models] = args;
const dir = resolve(wasmDir);

const worker = `
import { loadModelQuant } from '/wasm/modelquant.mjs';
const modelquant = await loadModelQuant();
self.onmessage = async ({ data: { url, runs } }) => {
  try {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const times = [];
    let size = 0;
    for (let i = 0; i <= runs; ++i) {
      const started = performance.now();
      const result = await modelquant.transform(bytes, { transforms: 'quantize_weights' });
      if (i > 0) times.push(performance.now() - started);
      size = result.bytes.length;
    }
    times.sort((a, b) => a - b);
    self.postMessage({ ms: times[Math.floor(times.length / 2)], size });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
self.postMessage({ ready: true });
`;
const page = `<!doctype html><meta charset="utf-8"><script type="module">
const worker = new Worker('/worker.mjs', { type: 'module' });
await new Promise((ok) => worker.addEventListener('message', ok, { once: true }));
window.transform = (url, runs) => new Promise((ok) => {
  worker.addEventListener('message', ({ data }) => ok(data), { once: true });
  worker.postMessage({ url, runs });
});
window.ready = true;
</script>`;

const types = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  let body;
  let type = 'application/octet-stream';
  if (url.pathname === '/') [body, type] = [page, types['.html']];
  else if (url.pathname === '/worker.mjs') [body, type] = [worker, types['.mjs']];
  else if (url.pathname.startsWith('/wasm/')) {
    const name = url.pathname.slice('/wasm/'.length);
    if (name.includes('/') || name.includes('..')) return response.writeHead(404).end();
    body = readFileSync(join(dir, name));
    type = types[name.slice(name.lastIndexOf('.'))] ?? type;
  } else if (url.pathname.startsWith('/model/')) body = readFileSync(models[Number(url.pathname.slice(7))]);
  else return response.writeHead(404).end();
  response.writeHead(200, { 'content-type': type }).end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), 'mq-bench-chromium-'));
// playwright-core takes the profile directory itself, not as --user-data-dir.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  await tab.waitForFunction(() => window.ready === true, null, { timeout: 120000 });
  for (let i = 0; i < models.length; ++i) {
    if (statSync(models[i]).size > 1.2e9) continue;
    const result = await tab.evaluate(([url, n]) => window.transform(url, n), [`/model/${i}`, runs]);
    if (result.error) throw new Error(`${models[i]}: ${result.error}`);
    console.log(JSON.stringify({ path: models[i], seconds: result.ms / 1000 }));
  }
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
