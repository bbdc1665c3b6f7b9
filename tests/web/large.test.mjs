// A model of more than 500 MB: it opens, a run on it can be cancelled (the
// worker is stopped and restarted with the model), and it then runs to the
// end with a result equal to the native CLI's. A file beyond what a GraphDef
// can be is refused with a message saying why.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  NATIVE_CLI, downloadedBytes, foreignRequests, nativeCli, openModel, openPage, runAndWait, runShownCommand, screenshot,
  startSession,
} from './support.mjs';

let session;
const scratch = mkdtempSync(path.join(tmpdir(), 'mq-web-large-'));
before(async () => { session = await startSession(); });
after(async () => {
  await session?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('a 500 MB model opens, a run on it is cancelled, and the next run gives the CLI\'s bytes', { timeout: 900_000 }, async (t) => {
  if (!nativeCli('the 500 MB model test (the CLI generates the model)')) return t.skip('no native CLI');
  const modelPath = path.join(scratch, 'big_cnn.pb');
  execFileSync(NATIVE_CLI, ['example', '-o', modelPath, '--scale', '520']);
  const size = statSync(modelPath).size;
  assert.ok(size >= 500e6, `the generated model is ${size} bytes`);

  const { page, requests, problems, context } = await openPage(session);
  let started = Date.now();
  await page.setInputFiles('#file-input', modelPath);
  await page.waitForFunction(() => !document.getElementById('result').hidden || !document.getElementById('error').hidden,
    null, { timeout: 300_000 });
  assert.ok(await page.isHidden('#error'), await page.textContent('#error'));
  console.log(`opened a ${(size / 1e6).toFixed(0)} MB model in ${Date.now() - started} ms`);

  await page.click('label[for="mode-recipe"]');
  await page.click('label[for="recipe-optimize_quantize_weights"]');
  await page.click('#run-button');
  await page.waitForSelector('#progress-steps .step[data-state="running"]');
  assert.ok(await page.isVisible('#cancel-button'));
  await page.click('#cancel-button');
  await page.waitForFunction(() => /^Cancelled\. The model is still open/.test(document.getElementById('status').textContent),
    null, { timeout: 300_000 });
  assert.ok(await page.isHidden('#transform-result'), 'a cancelled run has no result');
  assert.equal(await page.$$eval('#progress-steps .step[data-state="cancelled"]', (steps) => steps.length), 1);
  assert.ok(await page.isHidden('#cancel-button'));
  assert.ok(await page.isEnabled('#run-button'));
  await screenshot(page, 'cancelled');

  started = Date.now();
  assert.equal(await runAndWait(page, { timeout: 600_000 }), 'result', await page.textContent('#error'));
  console.log(`quantized it in ${Date.now() - started} ms`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-binary')]);
  assert.equal(download.suggestedFilename(), 'big_cnn_quantized.pb');
  const bytes = await downloadedBytes(download);
  const native = await runShownCommand(await page.textContent('#command-line'), modelPath);
  assert.equal(bytes.length, native.bytes.length);
  assert.equal(sha256(bytes), sha256(native.bytes));
  assert.ok(bytes.length < size / 3);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a file larger than any GraphDef is refused before it is read, saying why', async () => {
  const file = path.join(scratch, 'huge.pb');
  // A sparse file: 2.5 GB long, nothing on disk.
  const descriptor = openSync(file, 'w');
  ftruncateSync(descriptor, 2.5e9);
  closeSync(descriptor);
  const { page, context } = await openPage(session);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'), 'huge.pb: it is 2.50 GB; a TensorFlow graph file is at most 2 GiB');
  await context.close();
});
