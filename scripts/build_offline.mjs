#!/usr/bin/env node
// Builds web/dist/modelquant-offline.html: the whole page in one file that
// works when opened from disk (file://) with no server and no network.
//   node scripts/build_offline.mjs      (scripts/build_web.sh runs it)
// Needs web/dist/modelquant.mjs and web/dist/modelquant-single.mjs (the
// SINGLE_FILE build, its .wasm embedded as base64), copied there by build_web.sh.
//
// The file holds: the stylesheet in a <style>; the page's modules bundled into
// one inline <script type="module">; and the worker (its handlers, the API
// and the single-file module) bundled into one classic script kept as text in
// a <script type="text/x-modelquant-worker">, which the page starts from a
// blob: URL (Chromium runs no module worker, and no worker from a file: URL,
// on a page opened from disk). Its Content-Security-Policy allows exactly
// these two inline blocks by their SHA-256 hashes.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bundleModules } from './bundle_modules.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB = path.join(REPO_ROOT, 'web');
const OUTPUT = path.join(WEB, 'dist', 'modelquant-offline.html');

// Text safe inside <script>…</script>: the HTML parser ends the element at the
// first "</script" and treats "<!--" specially. In JavaScript "<\/" and "<\!"
// inside strings and regular expressions mean the same characters, and the
// bundled code has neither sequence outside them.
function scriptSafe(code) {
  return code.replaceAll('</script', '<\\/script').replaceAll('<!--', '<\\!--');
}

function sha256(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function replaceOnce(text, search, replacement, what) {
  const index = text.indexOf(search);
  if (index < 0 || text.indexOf(search, index + 1) >= 0) throw new Error(`build_offline: expected one ${what} in web/index.html`);
  return text.slice(0, index) + replacement + text.slice(index + search.length);
}

export function buildOffline() {
  const pageScript = scriptSafe(bundleModules(path.join(WEB, 'app.js'), { root: WEB }));
  const workerScript = scriptSafe(bundleModules(path.join(WEB, 'offline', 'worker_entry.js'), { root: WEB, classic: true }));
  const stylesheet = readFileSync(path.join(WEB, 'style.css'), 'utf8');

  const policy = [
    "default-src 'none'",
    // The inline page script by its hash; wasm compilation in the worker.
    `script-src ${sha256(pageScript)} 'wasm-unsafe-eval'`,
    // The worker is started from a blob: URL made from the embedded text.
    'worker-src blob:',
    `style-src ${sha256(stylesheet)}`,
    // Downloads are blob: links; the favicon is an empty data: URL.
    'img-src data: blob:',
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  let html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  html = html.replace(/<meta http-equiv="Content-Security-Policy"\s+content="[^"]*">/,
    `<!-- Content-Security-Policy of the single-file build: nothing may be fetched from anywhere
       (default-src 'none', connect-src 'none'). The page's inline script and stylesheet are allowed
       by their SHA-256 hashes, so no 'unsafe-inline' is needed; the worker runs from a blob: URL;
       'wasm-unsafe-eval' lets it compile the embedded WebAssembly. -->
  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
  if (!html.includes(policy)) throw new Error('build_offline: web/index.html has no Content-Security-Policy meta tag to replace');
  html = replaceOnce(html, '<link rel="stylesheet" href="style.css">', `<style>${stylesheet}</style>`, 'stylesheet link');
  html = replaceOnce(html, '<script type="module" src="app.js"></script>', `<script type="module">${pageScript}</script>`, 'app.js script tag');
  html = replaceOnce(html, '</body>',
    `<script type="text/x-modelquant-worker" id="modelquant-worker">${workerScript}</script>\n</body>`, '</body>');
  html = html.replace('<title>Model Quantizer', '<title>Model Quantizer (offline)');
  writeFileSync(OUTPUT, html);
  return { path: OUTPUT, bytes: Buffer.byteLength(html) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { path: output, bytes } = buildOffline();
    console.log(`build_offline: wrote ${path.relative(REPO_ROOT, output)} (${bytes} bytes)`);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
