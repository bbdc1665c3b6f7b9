// Bytes that are not a model: every method rejects with a ModelQuantError
// whose message is exactly the native CLI's, and the module keeps working.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { graphBytes, loadApi, nativeErrorMessage, randomBytes, runNative, sharedDir, tempDir } from './support.mjs';

const { api, mq } = await loadApi();

// A real model when shared/ is there, else a hand-made graph of some size.
function sampleModel() {
  try {
    return readFileSync(join(sharedDir, 'models', 'mnist_onnx_tf.pb'));
  } catch {
    console.log('SKIPPED: truncating a real model: shared/models is absent; truncating a hand-made graph instead');
    return graphBytes(Array.from({ length: 50 }, (_, i) => ({ name: `node_${i}`, op: 'Identity', inputs: i ? [`node_${i - 1}`] : [] })));
  }
}

const model = sampleModel();
const cases = [
  ['empty', new Uint8Array()],
  ['random', randomBytes(4096, 12345)],
  ['random, short', randomBytes(13, 7)],
  ['truncated in the middle', model.subarray(0, Math.floor(model.length / 2))],
  ['truncated by one byte', model.subarray(0, model.length - 1)],
  ['HDF5 signature', new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
  ['JSON text', new TextEncoder().encode('{"format": "graph-model"}')],
  ['malformed text', new TextEncoder().encode('node { name: "a" op: }\n')],
];

for (const [what, bytes] of cases) {
  test(`${what}: the same error as the native CLI, from summarize and convert`, async (t) => {
    const path = join(tempDir(t), 'model.pb');
    writeFileSync(path, bytes);
    const native = runNative(['summarize', '--json', path]);
    assert.equal(native.status, 2, `the CLI should refuse ${what} bytes with exit code 2: ${native.stderr}`);
    const message = nativeErrorMessage(native.stderr);
    assert.ok(message.startsWith(`${path}: `), message);
    const nativeConvert = runNative(['convert', path, join(tempDir(t), 'out.pb'), '--to', 'binary']);
    assert.equal(nativeErrorMessage(nativeConvert.stderr), message);

    for (const call of [() => mq.summarize(bytes, { name: path }), () => mq.convert(bytes, 'text', { name: path })]) {
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof api.ModelQuantError && e instanceof Error, `not a ModelQuantError: ${e}`);
        assert.equal(e.message, message);
        assert.equal(e.code, 'invalid_input');
        return true;
      });
    }
  });
}

test('without a name, messages name the input "input"', async () => {
  await assert.rejects(mq.convert(new Uint8Array(), 'binary'), { message: 'input: the file is empty' });
});

test('after all those errors the module still summarizes and converts', async () => {
  const bytes = graphBytes([{ name: 'x', op: 'Placeholder' }, { name: 'y', op: 'Neg', inputs: ['x'] }]);
  assert.equal((await mq.summarize(bytes)).node_count, 2);
  assert.ok(Buffer.from(await mq.convert(bytes, 'binary')).equals(Buffer.from(bytes)));
});
