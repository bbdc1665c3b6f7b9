// Helpers for the page tests: the local server, headless Chromium, request
// recording, test models and screenshots.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { startServer } from '../../web/serve.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = path.join(REPO_ROOT, 'web', 'dist');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'web');
const CHROMIUM = process.env.MQ_CHROMIUM ?? '/usr/bin/chromium';

// Flags for headless Chromium running as root with no network but loopback.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Prints a skip so it is never silent; returns the text for t.skip().
export function announceSkip(what, why) {
  const line = `SKIPPED: ${what}: ${why}`;
  console.log(line);
  return line;
}

// ../shared (or $MQ_SHARED_DIR), or null when it does not exist.
export function sharedDir() {
  const dir = process.env.MQ_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
  return existsSync(path.join(dir, 'models')) ? dir : null;
}

// The page needs web/dist/ (scripts/build_web.sh copies the wasm build there;
// scripts/test.sh and `npm run test:web` run it first). Fails, never skips,
// when the copy is missing or older than the wasm build, so neither a missing
// build step nor a stale module can pass for a working page.
export function checkWebBuild() {
  const wasmOutputs = path.join(REPO_ROOT, 'build', 'wasm', 'wasm');
  for (const file of ['modelquant.mjs', 'modelquant-core.mjs', 'modelquant-core.wasm', 'modelquant-single.mjs']) {
    const copy = path.join(WEB_DIST, file);
    if (!existsSync(copy)) {
      throw new Error(`${copy} is missing: build the wasm module, then run scripts/build_web.sh`);
    }
    const built = path.join(wasmOutputs, file);
    if (existsSync(built) && statSync(built).mtimeMs > statSync(copy).mtimeMs) {
      throw new Error(`${copy} is older than ${built}: run scripts/build_web.sh`);
    }
  }
}

// A real model for the page tests: a named file from shared/models, or, when
// shared/ is absent, the CLI's example model generated into a temporary folder.
// Returns { path, fromShared } or null (after announcing the skip).
export function testModel(name) {
  const shared = sharedDir();
  if (shared) return { path: path.join(shared, 'models', name), fromShared: true };
  const cli = NATIVE_CLI;
  announceSkip(`shared model ${name}`, 'shared/ is absent; using the CLI example model instead');
  if (!existsSync(cli)) {
    announceSkip(`page test with a model`, `no shared/ and no ${cli} to generate a model`);
    return null;
  }
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'mq-web-')), 'example.pb');
  execFileSync(cli, ['example', '-o', output]);
  return { path: output, fromShared: false };
}

// Starts the server and Chromium once per test file.
export async function startSession() {
  checkWebBuild();
  const { server, url } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    url,
    origin: new URL(url).origin,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Opens the page in a fresh context that records every request the page and
// its worker make, and blocks (while recording) any request to another origin.
// Resolves once the worker has loaded the module and said which functions it
// has; fails when the module could not be loaded.
// `prepare(context)` may add routes before the page loads; with `expectReady:
// false` a page whose module failed to load is returned instead of failing.
// `path` opens another address of the server (relative to the tool's page,
// e.g. '?url=…' or 'examples/docs.html'); `waitForReady: false` does not wait
// for the tool's page to start (for pages that are not the tool's).
export async function openPage(session, {
  colorScheme = 'light', viewport = { width: 1100, height: 900 }, prepare = null, expectReady = true,
  path: pagePath = '', waitForReady = true,
} = {}) {
  const context = await session.browser.newContext({ colorScheme, viewport, acceptDownloads: true });
  const requests = [];
  const problems = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (new URL(target).origin === session.origin) return route.continue();
    return route.abort('blockedbyclient');
  });
  await prepare?.(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(new URL(pagePath, session.url).href);
  if (!waitForReady) return { context, page, requests, problems };
  await page.waitForSelector('body[data-ready]', { state: 'attached' });
  if (expectReady && (await page.getAttribute('body', 'data-ready')) !== 'true') {
    throw new Error(`the page did not start: ${await page.textContent('#error')}`);
  }
  return { context, page, requests, problems };
}

// The requests that went anywhere but the page's own origin (data: and blob:
// URLs are not network requests).
export function foreignRequests(requests, origin) {
  return requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// Waits until the page shows either a summary or an error, and says which.
export async function waitForOutcome(page) {
  await page.waitForFunction(() => !document.getElementById('result').hidden || !document.getElementById('error').hidden);
  return page.evaluate(() => (document.getElementById('error').hidden ? 'summary' : 'error'));
}

// The shown summary as plain data: overview facts and the rows of each table.
export function readShownSummary(page) {
  return page.evaluate(() => {
    const rowsOf = (part) => [...document.querySelectorAll(`[data-part="${part}"] tbody tr`)]
      .map((row) => [...row.cells].map((cell) => cell.textContent));
    const bars = (part) => [...document.querySelectorAll(`[data-part="${part}"] .bar-row`)]
      .map((row) => [row.querySelector('.bar-label').textContent, row.querySelector('.bar-value').textContent]);
    const facts = Object.fromEntries([...document.querySelectorAll('[data-fact]')]
      .map((fact) => [fact.dataset.fact, fact.textContent]));
    return {
      heading: document.getElementById('summary-heading')?.textContent,
      facts,
      inputs: rowsOf('inputs'),
      outputs: rowsOf('outputs'),
      largest: rowsOf('largest'),
      ops: bars('ops'),
      weights: bars('weights'),
    };
  });
}

export const NATIVE_CLI = process.env.MQ_NATIVE_CLI ?? path.join(REPO_ROOT, 'build', 'native', 'native-cli', 'modelquant');

// The module's own summary of a file, computed in node from the same files the
// page loads: what the page shows must be exactly this.
let moduleApi = null;
export async function moduleSummary(file) {
  if (!moduleApi) {
    const { loadModelQuant } = await import(pathToFileURL(path.join(WEB_DIST, 'modelquant.mjs')).href);
    moduleApi = await loadModelQuant();
  }
  return moduleApi.summarize(new Uint8Array(readFileSync(file)), { name: path.basename(file) });
}

// The message the module rejects a file with (fails when it accepts it).
export async function moduleError(file) {
  try {
    await moduleSummary(file);
  } catch (error) {
    return error.message;
  }
  throw new Error(`the module summarized ${file} without an error`);
}

// `modelquant summarize --json` of the native CLI, or null (announced) when the
// CLI has not been built.
export function nativeSummary(file) {
  if (!existsSync(NATIVE_CLI)) {
    announceSkip('comparison with the native CLI', `${NATIVE_CLI} has not been built`);
    return null;
  }
  return JSON.parse(execFileSync(NATIVE_CLI, ['summarize', '--json', file], { maxBuffer: 1 << 28 }).toString('utf8'));
}

export function readBytes(file) {
  return readFileSync(file);
}

// The module's API in node, loaded from the same files the page loads.
export async function loadModuleApi() {
  if (!moduleApi) {
    const { loadModelQuant } = await import(pathToFileURL(path.join(WEB_DIST, 'modelquant.mjs')).href);
    moduleApi = await loadModelQuant();
  }
  return moduleApi;
}

// The native CLI, or null (announced) when it has not been built.
export function nativeCli(what) {
  if (existsSync(NATIVE_CLI)) return NATIVE_CLI;
  announceSkip(what, `${NATIVE_CLI} has not been built`);
  return null;
}

// The bytes of a download the page started.
export async function downloadedBytes(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Runs the command line the page shows (`modelquant transform NAME -o OUT …`)
// with the native CLI on `inputPath`, writing into a scratch folder under the
// name the page gives, or `outputName` (a .pbtxt name writes text). Returns
// { bytes, report } (the report of --json).
export async function runShownCommand(commandLine, inputPath, { outputName = null } = {}) {
  const { splitCommandLine } = await import('../../web/lib/command_line.js');
  const words = splitCommandLine(commandLine);
  if (words[0] !== 'modelquant' || words[1] !== 'transform' || words[3] !== '-o') {
    throw new Error(`not a 'modelquant transform IN -o OUT' command line: ${commandLine}`);
  }
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'mq-web-cli-')), outputName ?? words[4]);
  const stdout = execFileSync(NATIVE_CLI, [words[1], inputPath, '-o', output, ...words.slice(5), '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const bytes = readFileSync(output);
  rmSync(path.dirname(output), { recursive: true, force: true });
  return { bytes, report: JSON.parse(stdout.toString('utf8')) };
}

// Clicks Run and waits until the run ends: 'result' or 'error'.
export async function runAndWait(page, { timeout = 120_000 } = {}) {
  await page.click('#run-button');
  await page.waitForFunction(() => !document.getElementById('transform-result').hidden ||
    (!document.getElementById('error').hidden && document.getElementById('cancel-button').hidden), null, { timeout });
  return page.evaluate(() => (document.getElementById('transform-result').hidden ? 'error' : 'result'));
}

// Opens a model file in the page and waits for its summary.
export async function openModel(page, file) {
  await page.setInputFiles('#file-input', file);
  const outcome = await waitForOutcome(page);
  if (outcome !== 'summary') throw new Error(`the page did not summarize ${file}: ${await page.textContent('#error')}`);
}
