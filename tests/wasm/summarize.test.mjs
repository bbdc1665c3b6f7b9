// summarize(bytes): the same object as the native `modelquant summarize --json`.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { graphBytes, loadApi, nativeErrorMessage, runNative, sharedModels, tempDir } from './support.mjs';

const { api, mq } = await loadApi();

function nativeSummary(args) {
  const native = runNative(['summarize', '--json', ...args]);
  return { ...native, json: native.stdout.length ? JSON.parse(native.stdout.toString('utf8')) : undefined };
}

test('every shared model summarizes to the native CLI\'s JSON', async (t) => {
  for (const path of sharedModels(t)) {
    const native = nativeSummary([path]);
    assert.equal(native.status, 0, `${path}: ${native.stderr}`);
    const summary = await mq.summarize(readFileSync(path), { name: path });
    assert.deepEqual(summary, native.json, path);
    assert.ok(summary.node_count > 0 && summary.file_size > 0, path);
  }
});

test('with {structure: true} the summary lists every node like --print_structure', async (t) => {
  const models = sharedModels(t).filter((p) => p.endsWith('tf2onnx_regression.pb') || p.endsWith('mnist_onnx_tf.pb'));
  for (const path of models) {
    const native = nativeSummary(['--print_structure', path]);
    assert.equal(native.status, 0, `${path}: ${native.stderr}`);
    const summary = await mq.summarize(readFileSync(path), { name: path, structure: true });
    assert.ok(Array.isArray(summary.structure) && summary.structure.length === summary.node_count, path);
    assert.deepEqual(summary, native.json, path);
  }
});

test('a hand-made graph: inputs, outputs and op counts', async (t) => {
  const bytes = graphBytes([
    { name: 'x', op: 'Placeholder' },
    { name: 'relu', op: 'Relu', inputs: ['x'] },
    { name: 'out', op: 'Identity', inputs: ['relu'] },
  ]);
  const path = join(tempDir(t), 'tiny.pb');
  writeFileSync(path, bytes);
  const summary = await mq.summarize(bytes, { name: path });
  assert.deepEqual(summary, nativeSummary([path]).json);
  assert.equal(summary.node_count, 3);
  assert.equal(summary.file_size, bytes.length);
  assert.deepEqual(summary.inputs.map((i) => i.name), ['x']);
  assert.deepEqual(summary.outputs, ['out']);
});

test('inputs naming missing nodes: rejected with the CLI\'s message, the summary attached', async (t) => {
  const bytes = graphBytes([
    { name: 'x', op: 'Placeholder' },
    { name: 'y', op: 'Identity', inputs: ['ghost'] },
  ]);
  const path = join(tempDir(t), 'dangling.pb');
  writeFileSync(path, bytes);
  const native = nativeSummary([path]);
  assert.equal(native.status, 2);
  await assert.rejects(mq.summarize(bytes, { name: path }), (e) => {
    assert.ok(e instanceof api.ModelQuantError && e instanceof Error);
    assert.equal(e.message, nativeErrorMessage(native.stderr));
    assert.equal(e.code, 'invalid_input');
    assert.deepEqual(e.value, native.json);
    return true;
  });
});
