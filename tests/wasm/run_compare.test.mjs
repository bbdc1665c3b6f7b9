// run(bytes, options) and compare(bytesA, bytesB, options): the shared models
// reproduce their reference outputs in wasm, generated inputs are the native
// CLI's bit for bit, compare's verdicts match `modelquant compare --json`,
// and errors carry the native CLI's messages.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { loadApi, nativeErrorMessage, repoDir, runNative, sharedDir, tempDir } from './support.mjs';

const { api, mq } = await loadApi();
const exampleModel = join(repoDir, 'examples/example_cnn.pb');

// NumPy .npy (version 1/2, little-endian, C order) → {dtype, shape, data}.
function readNpy(path) {
  const bytes = readFileSync(path);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const types = { '<f4': ['float32', Float32Array], '<i4': ['int32', Int32Array], '<i8': ['int64', BigInt64Array], '|u1': ['uint8', Uint8Array] };
  const [dtype, ArrayType] = types[descr];
  const body = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  return { dtype, shape, data: new ArrayType(copy.buffer, 0, body.length / ArrayType.BYTES_PER_ELEMENT) };
}

function referenceFolders(t) {
  const root = join(sharedDir, 'models', 'reference');
  if (!existsSync(root)) {
    console.log(`SKIPPED: ${t.name}: ${root} does not exist`);
    t.skip(`${root} does not exist`);
    return [];
  }
  return readdirSync(root).sort().map((name) => ({ name, folder: join(root, name) }));
}

const deepLstms = new Set(['har_lstm', 'tf2onnx_lstm', 'char_rnn_receipts']);

test('every shared model reproduces its reference outputs through run()', async (t) => {
  for (const { name, folder } of referenceFolders(t)) {
    const reference = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8'));
    const inputs = {};
    for (const [input, { file }] of Object.entries(reference.inputs)) inputs[input] = readNpy(join(folder, file));
    const outputs = Object.keys(reference.outputs);
    const result = await mq.run(readFileSync(join(sharedDir, 'models', reference.model)), { inputs, outputs, name: reference.model });
    const [rtol, atol] = deepLstms.has(name) ? [1e-3, 1e-4] : [1e-4, 1e-5];
    for (const output of outputs) {
      const expected = readNpy(join(folder, reference.outputs[output].file));
      const actual = result.outputs[output];
      assert.ok(actual, `${name}: no output ${output}`);
      assert.equal(actual.dtype, 'float32');
      assert.ok(actual.data instanceof Float32Array);
      assert.deepEqual(actual.shape, expected.shape, `${name} ${output}`);
      let outside = 0;
      for (let i = 0; i < expected.data.length; i++)
        if (!(Math.abs(actual.data[i] - expected.data[i]) <= atol + rtol * Math.abs(expected.data[i]))) outside++;
      assert.equal(outside, 0, `${name} ${output}: ${outside} elements outside the tolerance`);
    }
    for (const input of Object.keys(reference.inputs)) assert.equal(result.inputs[input].generated, false);
  }
});

test('generated inputs are the native CLI\'s, bit for bit', async (t) => {
  const dir = tempDir(t);
  const native = runNative(['run', exampleModel, '--outputs', 'predictions', '--seed', '5', '--save-inputs', '--out-dir', dir]);
  assert.equal(native.status, 0, native.stderr);
  const result = await mq.run(readFileSync(exampleModel), { outputs: ['predictions'], seed: 5 });
  const input = result.inputs.input;
  assert.equal(input.generated, true);
  assert.deepEqual(input.shape, [1, 64, 64, 3]);
  assert.deepEqual(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength),
    Buffer.from(readNpy(join(dir, 'input.input.npy')).data.buffer));
  const nativePredictions = readNpy(join(dir, 'predictions.npy')).data;
  const predictions = result.outputs.predictions.data;
  assert.equal(predictions.length, 1000);
  for (let i = 0; i < predictions.length; i++)
    assert.ok(Math.abs(predictions[i] - nativePredictions[i]) <= 1e-6 + 1e-5 * Math.abs(nativePredictions[i]), `predictions[${i}]`);
  assert.ok(result.milliseconds >= 0);
  assert.ok(result.peakBytes > 0);

  const other = await mq.run(readFileSync(exampleModel), { outputs: ['predictions'], seed: 6 });
  assert.notDeepEqual(other.inputs.input.data, input.data);
  // A shape can set unknown sizes only; the example's batch size is fixed.
  await assert.rejects(mq.run(readFileSync(exampleModel), { name: 'example_cnn.pb', outputs: ['predictions'], shapes: { input: [2, 64, 64, 3] } }),
    { message: "example_cnn.pb: input 'input' has shape [1,64,64,3] (-1: any size) but the value given has shape [2,64,64,3]" });
  if (existsSync(join(sharedDir, 'models'))) {
    const regression = await mq.run(readFileSync(join(sharedDir, 'models', 'tf2onnx_regression.pb')), { shapes: { X: [3, 4] } });
    assert.deepEqual(regression.outputs.pred.shape, [3, 4]);
  }
});

test('run errors have the native CLI\'s messages', async (t) => {
  const bytes = readFileSync(exampleModel);
  const native = runNative(['run', exampleModel, '--out-dir', tempDir(t)]);
  assert.equal(native.status, 2);
  await assert.rejects(mq.run(bytes, { name: exampleModel }), (e) => {
    assert.ok(e instanceof api.ModelQuantError);
    assert.equal(e.message, nativeErrorMessage(native.stderr));
    assert.match(e.message, /no kernel for op SparseSoftmaxCrossEntropyWithLogits/);
    return true;
  });
  await assert.rejects(mq.run(bytes, { inputs: { input: { data: new Float32Array(5), shape: [1, 64, 64, 3] } } }),
    { message: "input 'input': 20 bytes of data do not make a float32 tensor of shape [1,64,64,3]" });
  await assert.rejects(mq.run(bytes, { inputs: { input: { data: [1, 2, 3] } } }),
    { message: "input 'input': data must be a typed array (Float32Array, Int32Array, ...)" });
  await assert.rejects(mq.run(bytes, { outputs: 'predictions' }), { message: "option 'outputs' must be an array of tensor names" });
  await assert.rejects(mq.run(bytes, { outputs: ['predictions'], seed: -1 }), { message: "option 'seed' must be a whole number >= 0" });
  await assert.rejects(mq.run(bytes, { outputs: ['nope'] }), { code: 'invalid_input' });
  // The module still works.
  assert.ok((await mq.run(bytes, { outputs: ['predictions'] })).outputs.predictions);
});

test('compare() agrees with modelquant compare --json', async (t) => {
  const bytes = readFileSync(exampleModel);
  const same = await mq.compare(bytes, bytes, { outputs: ['predictions'] });
  assert.equal(same.within_tolerance, true);
  assert.equal(same.outputs[0].name, 'predictions');
  assert.equal(same.outputs[0].max_abs_error, 0);
  assert.equal(same.inputs[0].generated, true);

  const frozenPath = join(sharedDir, 'models', 'poets_mobilenet_v1_0.25_128_frozen.pb');
  const quantizedPath = join(sharedDir, 'models', 'poets_mobilenet_v1_0.25_128_quantized.pb');
  if (!existsSync(frozenPath)) {
    console.log(`SKIPPED: ${t.name}: quantized MobileNet comparison: ${frozenPath} does not exist`);
    return;
  }
  const native = runNative(['compare', frozenPath, quantizedPath, '--json']);
  assert.equal(native.status, 1, native.stderr);
  const expected = JSON.parse(native.stdout.toString('utf8'));
  const actual = await mq.compare(readFileSync(frozenPath), readFileSync(quantizedPath));
  assert.equal(actual.within_tolerance, false);
  assert.equal(actual.outputs.length, expected.outputs.length);
  assert.equal(actual.outputs[0].name, 'MobilenetV1/Predictions/Reshape_1');
  assert.ok(Math.abs(actual.outputs[0].max_abs_error - expected.outputs[0].max_abs_error) < 1e-5);
  const loose = await mq.compare(readFileSync(frozenPath), readFileSync(quantizedPath), { atol: 0.1 });
  assert.equal(loose.within_tolerance, true);
  await assert.rejects(mq.compare(bytes, new Uint8Array(), { otherName: 'b.pb' }), { message: 'b.pb: the file is empty' });
  await assert.rejects(mq.compare(bytes, bytes, { rtol: 'x' }), { message: "option 'rtol' must be a number >= 0" });
});
