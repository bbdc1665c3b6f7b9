// The page as a whole: its Content-Security-Policy, colour schemes, a narrow
// screen, features shown only when the module has them, and the one-command
// local server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  REPO_ROOT, WEB_DIST, foreignRequests, openPage, screenshot, startSession, testModel, waitForOutcome,
} from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

test('the Content-Security-Policy stops connections to other origins before they are made', async () => {
  const { page, requests, context } = await openPage(session);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /connect-src 'self'/);

  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    let fetchFailed = false;
    try {
      await fetch('http://127.0.0.2:9/forbidden');
    } catch {
      fetchFailed = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { fetchFailed, violations };
  });
  assert.ok(outcome.fetchFailed, 'a fetch to another origin fails');
  // Reported once per policy that forbids it: the meta tag's, and the server's header.
  assert.ok(outcome.violations.length >= 1, 'the violation is reported');
  assert.ok(outcome.violations.every((directive) => directive === 'connect-src'), outcome.violations.join());
  assert.deepEqual(foreignRequests(requests, session.origin), [], 'the blocked fetch never reached the network');
  await context.close();
});

async function pageBackground(page) {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

// Relative luminance of an "rgb(r, g, b)" colour, 0 (black) to 1 (white).
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+/g).map(Number).map((c) => c / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test('light and dark colour schemes follow the system setting', async (t) => {
  const model = testModel('tf2onnx_fc-layers.pb');
  if (!model) return t.skip('no model available');
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(session, { colorScheme });
    const background = await pageBackground(page);
    if (colorScheme === 'light') assert.ok(luminance(background) > 0.8, `light background ${background}`);
    else assert.ok(luminance(background) < 0.2, `dark background ${background}`);
    const textColor = await page.evaluate(() => getComputedStyle(document.body).color);
    assert.ok(Math.abs(luminance(textColor) - luminance(background)) > 0.6, `text ${textColor} on ${background}`);
    await page.setInputFiles('#file-input', model.path);
    assert.equal(await waitForOutcome(page), 'summary');
    await screenshot(page, `summary-${colorScheme}`);
    await context.close();
  }
});

test('at 360 px wide the page does not scroll sideways', async (t) => {
  const model = testModel('poets_mobilenet_v1_0.25_128_frozen.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, context } = await openPage(session, { viewport: { width: 360, height: 740 } });
  await page.setInputFiles('#file-input', model.path);
  assert.equal(await waitForOutcome(page), 'summary');
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
  }));
  assert.ok(widths.page <= widths.viewport, `page is ${widths.page} px wide in a ${widths.viewport} px viewport`);
  await screenshot(page, 'summary-360px');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  await context.close();
});

test('"Save a copy" is offered exactly when the module has convert, and saves the model as text', async (t) => {
  const model = testModel('tf2onnx_regression.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, context } = await openPage(session);
  const functions = await page.evaluate(async () => {
    const { ModelWorker } = await import('./lib/worker_client.js');
    const probe = new ModelWorker();
    return (await probe.request('capabilities')).functions;
  });
  assert.ok(functions.includes('summarize'), `module functions: ${functions}`);
  await page.setInputFiles('#file-input', model.path);
  assert.equal(await waitForOutcome(page), 'summary');
  const offered = await page.isVisible('#save-copy');
  assert.equal(offered, functions.includes('convert'));
  if (!offered) return;

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#save-copy button[data-format="text"]'),
  ]);
  const expectedName = `${path.basename(model.path, '.pb')}.pbtxt`;
  assert.equal(download.suggestedFilename(), expectedName);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.match(text, /node \{/);
  assert.match(text, /op: "Placeholder"/);
  await page.waitForFunction(() => /^Saved /.test(document.getElementById('status').textContent));
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  await context.close();
});

test('`node web/serve.mjs --port 0` serves the page and the module with the right types', async () => {
  const server = spawn(process.execPath, [path.join(REPO_ROOT, 'web', 'serve.mjs'), '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let output = '';
      server.stdout.on('data', (chunk) => {
        output += chunk;
        const match = output.match(/Serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (match) resolve(match[1]);
      });
      server.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${output}`)));
    });
    const index = await fetch(url);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(index.headers.get('content-security-policy'), /connect-src 'self'/);
    assert.match(await index.text(), /<title>Model Quantizer/);

    const wasmFile = readdirSync(WEB_DIST).find((name) => name.endsWith('.wasm'));
    const wasm = await fetch(new URL(`dist/${wasmFile}`, url));
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4).join(), '0,97,115,109');
    const script = await fetch(new URL('dist/modelquant.mjs', url));
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');

    assert.equal((await fetch(new URL('no-such-file.js', url))).status, 404);
    assert.equal((await fetch(new URL('/..%2f..%2fetc%2fpasswd', url))).status, 403);
    assert.equal((await fetch(url, { method: 'POST' })).status, 405);
  } finally {
    server.kill();
  }
});
