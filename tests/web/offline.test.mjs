// The single-file build (web/dist/modelquant-offline.html) opened from disk
// with no server: it summarizes, quantizes and verifies with the wasm module
// embedded in it, requests nothing but its own file, and its
// Content-Security-Policy allows no network at all.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import {
  WEB_DIST, downloadedBytes, moduleError, nativeCli, runAndWait, runShownCommand, screenshot, startSession, testModel,
  waitForOutcome,
} from './support.mjs';

const OFFLINE_PAGE = path.join(WEB_DIST, 'modelquant-offline.html');

let session;
before(async () => {
  session = await startSession();
  if (!existsSync(OFFLINE_PAGE)) throw new Error(`${OFFLINE_PAGE} is missing: run scripts/build_web.sh`);
  if (statSync(OFFLINE_PAGE).mtimeMs < statSync(path.join(WEB_DIST, 'modelquant-single.mjs')).mtimeMs) {
    throw new Error(`${OFFLINE_PAGE} is older than the module it embeds: run scripts/build_web.sh`);
  }
});
after(async () => { await session?.close(); });

// The offline page from a file: URL, in a context where every request is
// recorded and anything that is not the file itself (or data:/blob:) is blocked.
async function openOfflinePage({ viewport = { width: 1100, height: 900 } } = {}) {
  const context = await session.browser.newContext({ viewport, acceptDownloads: true });
  const requests = [];
  const problems = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(pathToFileURL(OFFLINE_PAGE).href);
  await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#error'));
  return { context, page, requests, problems };
}

const pageUrl = () => pathToFileURL(OFFLINE_PAGE).href;
const networkRequests = (requests) => requests.filter((url) => !/^(data|blob):/.test(url) && url !== pageUrl());

test('the single-file page is self-contained and its policy forbids every request', () => {
  const html = readFileSync(OFFLINE_PAGE, 'utf8');
  const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /connect-src 'none'/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval'|https?:/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+rel="stylesheet"/, 'no external script or stylesheet');
  assert.match(html, /<script type="text\/x-modelquant-worker"/);
});

test('opened from disk, it summarizes, quantizes and verifies a model; the download is the CLI\'s', async (t) => {
  const model = testModel('poets_mobilenet_v1_0.25_128_frozen.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, problems, context } = await openOfflinePage();
  assert.equal(new URL(page.url()).protocol, 'file:');
  await page.setInputFiles('#file-input', model.path);
  assert.equal(await waitForOutcome(page), 'summary', await page.textContent('#error'));
  await page.click('label[for="recipe-optimize_quantize_weights"]');
  assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
  await screenshot(page, 'offline-result');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-binary')]);
  const bytes = await downloadedBytes(download);
  if (nativeCli('the offline page compared with the native CLI')) {
    assert.ok(bytes.equals((await runShownCommand(await page.textContent('#command-line'), model.path)).bytes));
  }
  await page.click('#verify-button');
  await page.waitForSelector('[data-fact="verify-verdict"]', { timeout: 120_000 });

  assert.deepEqual(networkRequests(requests), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('opened from disk, a random file shows the core\'s error', async () => {
  const { page, problems, context } = await openOfflinePage({ viewport: { width: 360, height: 740 } });
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251));
  await page.setInputFiles('#file-input', { name: 'noise.pb', mimeType: 'application/octet-stream', buffer: bytes });
  assert.equal(await waitForOutcome(page), 'error');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mq-web-offline-')), 'noise.pb');
  writeFileSync(file, bytes);
  assert.equal(await page.textContent('#error'), await moduleError(file));
  await screenshot(page, 'offline-error-360px');
  assert.deepEqual(problems, []);
  await context.close();
});
