// Files that are not a GraphDef give a clear message, the summary of an
// earlier model disappears, and the next good file opens normally.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  foreignRequests, moduleError, moduleKerasError, openPage, screenshot, startSession, testModel, waitForOutcome,
} from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

const scratch = mkdtempSync(path.join(tmpdir(), 'mq-web-errors-'));

function writeScratch(name, bytes) {
  const file = path.join(scratch, name);
  writeFileSync(file, bytes);
  return file;
}

// Deterministic pseudo-random bytes (xorshift32), the same on every run.
function randomBytes(count, seed = 0x2545f491) {
  const bytes = new Uint8Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

async function errorText(page) {
  assert.equal(await waitForOutcome(page), 'error', 'an error message is shown');
  assert.ok(await page.$eval('#result', (result) => result.hidden), 'no summary is shown next to an error');
  return page.textContent('#error');
}

test('random bytes give the core\'s error message, which names the file', async () => {
  const file = writeScratch('random.pb', randomBytes(4096));
  const { page, requests, problems, context } = await openPage(session);
  await page.setInputFiles('#file-input', file);
  const text = await errorText(page);
  assert.equal(text, await moduleError(file));
  assert.match(text, /^random\.pb: \S.{10,}/);
  assert.equal(await page.getAttribute('#error', 'role'), 'alert');
  await screenshot(page, 'error-random-bytes');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

// The page hands an HDF5 file to the module's Keras converter when the module
// has one: a file it cannot convert shows the converter's message (as
// `modelquant keras2pb` prints it). Without keras2pb, the core's summarize
// message says it is an HDF5 file, not a GraphDef.
test('an HDF5 file is named as such by the core\'s message', async () => {
  const hdf5Signature = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const bytes = new Uint8Array(2048);
  bytes.set(hdf5Signature);
  const file = writeScratch('model.h5', bytes);
  const { page, problems, context } = await openPage(session);
  await page.setInputFiles('#file-input', file);
  const text = await errorText(page);
  assert.equal(text, (await moduleKerasError(file)) ?? (await moduleError(file)));
  assert.match(text, /^model\.h5: .*HDF5/);
  assert.deepEqual(problems, []);
  await screenshot(page, 'error-hdf5');
  await context.close();
});

test('an empty file gives an error message', async () => {
  const file = writeScratch('empty.pb', new Uint8Array(0));
  const { page, context } = await openPage(session);
  await page.setInputFiles('#file-input', file);
  const text = await errorText(page);
  assert.equal(text, await moduleError(file));
  assert.match(text, /^empty\.pb: \S/);
  await context.close();
});

test('a drop without a file says what to drop', async () => {
  const { page, context } = await openPage(session);
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'not a file');
    return data;
  });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
  assert.match(await errorText(page), /drop a model file/);
  await context.close();
});

test('after an error, a good model replaces the message with its summary, and a bad one hides the summary', async (t) => {
  const model = testModel('tf2onnx_regression.pb');
  if (!model) return t.skip('no model available');
  const bad = writeScratch('bad.pb', randomBytes(512, 7));
  const { page, context } = await openPage(session);

  await page.setInputFiles('#file-input', bad);
  await errorText(page);
  await page.setInputFiles('#file-input', model.path);
  await page.waitForSelector('#result:not([hidden])');
  assert.ok(await page.$eval('#error', (error) => error.hidden));

  await page.setInputFiles('#file-input', bad);
  await page.waitForSelector('#error:not([hidden])');
  assert.ok(await page.$eval('#result', (result) => result.hidden));
  await context.close();
});

test('a graph whose input names a missing node shows its summary and the error', async () => {
  const file = writeScratch('dangling.pbtxt', [
    'node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }',
    'node { name: "y" op: "Identity" input: "x" input: "no_such_node" }',
  ].join('\n'));
  const { page, context } = await openPage(session);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'), `dangling.pbtxt: ${await moduleError(file)}`);
  assert.ok(!(await page.$eval('#result', (result) => result.hidden)), 'the summary is shown too');
  assert.match(await page.textContent('[data-part="problems"]'), /'y' has input 'no_such_node'/);
  assert.equal(await page.textContent('[data-fact="node-count"]'), '2');
  await screenshot(page, 'error-invalid-graph');
  await context.close();
});

test('a page whose module cannot be loaded says so at once', async () => {
  const { page, context } = await openPage(session, {
    expectReady: false,
    prepare: (ctx) => ctx.route('**/dist/modelquant.mjs', (route) => route.fulfill({ status: 404, body: 'gone' })),
  });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'false');
  assert.match(await page.textContent('#error'), /^The page cannot work: the WebAssembly module could not be loaded/);
  await context.close();
});
