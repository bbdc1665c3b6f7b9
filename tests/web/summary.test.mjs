// The page opens real models (file input, a real drop event, the keyboard)
// and shows the module's summary; no request leaves the page's origin.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';

import {
  announceSkip, foreignRequests, moduleSummary, nativeSummary, openPage, readBytes, readShownSummary, screenshot, startSession, testModel,
  waitForOutcome,
} from './support.mjs';
import { formatBytes, formatCount, formatShape } from '../../web/lib/format.js';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

// The facts shared/models/README.md gives for two of its models.
const README_FACTS = {
  'tf2onnx_fc-layers.pb': {
    nodes: 24, inputs: [['X', 'float', '[?,784]']], outputs: ['output'],
  },
  'mnist_onnx_tf.pb': {
    nodes: 81, inputs: [['Input3', 'float', '[1,1,28,28]']], outputs: ['Plus214_Output_0'],
  },
};

// Checks the shown summary against the module's own summary of the same bytes
// (computed in node), the native CLI's, and for shared models the README's facts.
async function assertShowsSummaryOf(page, model, name) {
  assert.equal(await waitForOutcome(page), 'summary', await page.textContent('#error'));
  const shown = await readShownSummary(page);
  const expected = await moduleSummary(model.path);
  const native = nativeSummary(model.path);
  if (native) {
    for (const key of ['file_size', 'node_count', 'inputs', 'outputs', 'parameter_count', 'op_counts',
      'weight_bytes_by_dtype', 'largest_tensors']) {
      assert.deepEqual(expected[key], native[key], `the module and the native CLI agree on ${key}`);
    }
  }

  assert.match(shown.heading, new RegExp(path.basename(model.path).replace(/\./g, '\\.')));
  assert.equal(shown.facts['node-count'], formatCount(expected.node_count));
  assert.match(shown.facts['parameter-count'], new RegExp(`^${formatCount(expected.parameter_count)}( |$)`));
  assert.deepEqual(shown.inputs.map((row) => row[0]), expected.inputs.map((input) => input.name));
  assert.deepEqual(shown.inputs.map((row) => row.at(-1)), expected.inputs.map((input) => formatShape(input.shape)));
  assert.deepEqual(shown.outputs.map((row) => row[0]), expected.outputs);
  // The op histogram in the module's order (TensorFlow's), every op present.
  assert.deepEqual(shown.ops, Object.entries(expected.op_counts).map(([op, count]) => [op, formatCount(count)]));
  assert.deepEqual(shown.largest.map((row) => row.slice(0, 3)),
    expected.largest_tensors.map((tensor) => [tensor.name, tensor.dtype, formatShape(tensor.shape)]));
  assert.equal(shown.facts['file-size'], formatBytes(expected.file_size));

  const facts = model.fromShared ? README_FACTS[name] : null;
  if (facts) {
    assert.equal(shown.facts['node-count'], String(facts.nodes));
    assert.deepEqual(shown.inputs.map((row) => [row[0], row[1], row.at(-1)]), facts.inputs);
    assert.deepEqual(shown.outputs.map((row) => row[0]), facts.outputs);
  }
}

test('a model chosen in the file input is summarized', async (t) => {
  const model = testModel('tf2onnx_fc-layers.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, problems, context } = await openPage(session);
  await screenshot(page, 'empty');

  await page.setInputFiles('#file-input', model.path);
  await assertShowsSummaryOf(page, model, 'tf2onnx_fc-layers.pb');
  assert.match(await page.textContent('#status'), /^Summarized .* in \d+ ms\.$/);
  await screenshot(page, 'summary');

  // The worker's own requests are recorded too: the module and its .wasm file.
  assert.ok(requests.some((url) => url.endsWith('.wasm')), `no .wasm request among ${requests.join(', ')}`);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a model dropped on the page with a real drop event is summarized', async (t) => {
  const model = testModel('mnist_onnx_tf.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, problems, context } = await openPage(session);

  const base64 = readBytes(model.path).toString('base64');
  const transfer = await page.evaluateHandle(({ base64, name }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
    return data;
  }, { base64, name: path.basename(model.path) });

  await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: transfer });
  assert.ok(await page.$eval('#drop-zone', (zone) => zone.classList.contains('drag-over')),
    'the drop zone is highlighted while a file is dragged over it');
  await screenshot(page, 'drag-over');
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });

  await assertShowsSummaryOf(page, model, 'mnist_onnx_tf.pb');
  assert.ok(!(await page.$eval('#drop-zone', (zone) => zone.classList.contains('drag-over'))));
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard alone opens a model: Tab to the drop zone, Enter opens the picker', async (t) => {
  const model = testModel('tf2onnx_fc-layers.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, context } = await openPage(session);

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'drop-zone');
  // Waiting for 'filechooser' asks the browser to intercept the picker
  // without awaiting the answer; a round trip makes sure it has before Enter
  // (under load the key press could otherwise win and open no chooser).
  const chooserShown = page.waitForEvent('filechooser');
  await page.evaluate(() => 0);
  await page.keyboard.press('Enter');
  const chooser = await chooserShown;
  await chooser.setFiles(model.path);
  await assertShowsSummaryOf(page, model, 'tf2onnx_fc-layers.pb');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  await context.close();
});

test('converting a 17 MB model to text (most of a second of work) leaves the page responsive', async (t) => {
  const model = testModel('npm_nsfwjs_mobilenet_v2_mid.pb');
  if (!model?.fromShared) {
    return t.skip(announceSkip('responsiveness during a long conversion', 'needs the 17 MB model of shared/models'));
  }
  const { page, requests, context } = await openPage(session);
  await page.setInputFiles('#file-input', model.path);
  await assertShowsSummaryOf(page, model, 'npm_nsfwjs_mobilenet_v2_mid.pb');
  if (!(await page.isVisible('#save-copy'))) {
    return t.skip(announceSkip('responsiveness during a long conversion', 'this build of the module has no convert'));
  }

  // A 10 ms heartbeat on the main thread: the longest gap between two beats is
  // how long the page was frozen while the module worked.
  await page.evaluate(() => {
    window.beats = [];
    window.heartbeat = setInterval(() => window.beats.push(performance.now()), 10);
    window.conversionStarted = performance.now();
  });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#save-copy button[data-format="text"]'),
  ]);
  await page.waitForFunction(() => /^Saved /.test(document.getElementById('status').textContent));
  const { elapsed, longestGap } = await page.evaluate(() => {
    clearInterval(window.heartbeat);
    const beats = [window.conversionStarted, ...window.beats, performance.now()];
    return {
      elapsed: beats.at(-1) - beats[0],
      longestGap: Math.max(...beats.slice(1).map((beat, i) => beat - beats[i])),
    };
  });
  console.log(`text conversion of ${path.basename(model.path)}: ${Math.round(elapsed)} ms, ` +
    `longest main-thread pause ${Math.round(longestGap)} ms`);
  assert.ok(longestGap < 250, `the page froze for ${Math.round(longestGap)} ms`);
  assert.ok(longestGap < elapsed / 2, `a ${Math.round(longestGap)} ms pause in ${Math.round(elapsed)} ms of work`);
  assert.equal(download.suggestedFilename(), 'npm_nsfwjs_mobilenet_v2_mid.pbtxt');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  await context.close();
});
