// keras2pb(bytes, {config, outputPrefix, weights}): the same graph bytes,
// inputs and outputs as the native `modelquant keras2pb`, the same error
// messages, and a converted graph that runs to the TensorFlow.js reference.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';

import { loadApi, nativeErrorMessage, repoDir, runNative, sharedDir, tempDir } from './support.mjs';

const { api, mq } = await loadApi();
const kerasData = join(repoDir, 'tests/data/keras');

// What the native CLI makes of the same model: the graph bytes and its stdout lines.
function nativeKeras2pb(t, model, extra = []) {
  const out = join(tempDir(t), 'model.pb');
  const run = runNative(['keras2pb', model, '-o', out, ...extra]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.toString('utf8').split('\n');
  const list = (prefix) => lines.find((l) => l.startsWith(prefix)).slice(prefix.length).trim().split(' ');
  return { graph: readFileSync(out), inputs: list('inputs:'), outputs: list('outputs:') };
}

function tfjsWeights(folder) {
  const manifest = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).weightsManifest;
  const weights = {};
  for (const group of manifest) for (const path of group.paths) weights[path] = readFileSync(join(folder, path));
  return weights;
}

// A float32 / int32 .npy file (version 1.0, little-endian) as {dtype, shape, data}.
function readNpy(path) {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = bytes.subarray(10 + headerLength);
  const copy = new Uint8Array(body).buffer;
  const int = header.includes("'<i4'");
  return { dtype: int ? 'int32' : 'float32', shape, data: int ? new Int32Array(copy) : new Float32Array(copy) };
}

test('Keras 2 .h5, Keras 3 .keras and TensorFlow.js models convert to the bytes the native CLI writes', async (t) => {
  const cases = [
    { model: join(kerasData, 'files/shared_layers_keras2.h5') },
    { model: join(kerasData, 'files/shared_layers.keras'), prefix: 'output_node' },
    { model: join(kerasData, 'files/batch_normalization_weights.h5'), config: join(kerasData, 'files/batch_normalization_config.json') },
    { model: join(kerasData, 'tfjs/merge/model.json'), weights: tfjsWeights(join(kerasData, 'tfjs/merge')) },
    { model: join(kerasData, 'tfjs/conv2d_uint8/model.json'), weights: tfjsWeights(join(kerasData, 'tfjs/conv2d_uint8')) },
  ];
  for (const c of cases) {
    const extra = [...(c.config ? ['--config', c.config] : []), ...(c.prefix ? ['--output-prefix', c.prefix] : [])];
    const native = nativeKeras2pb(t, c.model, extra);
    const converted = await mq.keras2pb(readFileSync(c.model), {
      name: c.model,
      config: c.config ? readFileSync(c.config, 'utf8') : undefined,
      configName: c.config,
      outputPrefix: c.prefix,
      weights: c.weights,
    });
    assert.ok(converted.graph instanceof Uint8Array, 'graph is a Uint8Array');
    assert.ok(Buffer.from(converted.graph).equals(native.graph), `${c.model}: bytes differ from the CLI's`);
    assert.deepEqual(converted.inputs, native.inputs);
    assert.deepEqual(converted.outputs, native.outputs);
    assert.match(converted.description, /^Keras /);
  }
});

test('the config may be given as bytes too', async () => {
  const model = readFileSync(join(kerasData, 'files/batch_normalization_weights.h5'));
  const config = readFileSync(join(kerasData, 'files/batch_normalization_config.json'));
  const asText = await mq.keras2pb(model, { config: config.toString('utf8') });
  const asBytes = await mq.keras2pb(model, { config: new Uint8Array(config) });
  assert.ok(Buffer.from(asText.graph).equals(Buffer.from(asBytes.graph)));
});

test('a converted graph runs in wasm to what TensorFlow.js computed', async () => {
  const folder = join(kerasData, 'tfjs/conv2d');
  const converted = await mq.keras2pb(readFileSync(join(folder, 'model.json')), { weights: tfjsWeights(folder), outputPrefix: 'out' });
  const input = readNpy(join(folder, 'input_0.npy'));
  const expected = readNpy(join(folder, 'output_0.npy'));
  const result = await mq.run(converted.graph, { inputs: { [converted.inputs[0]]: input }, outputs: ['out0'] });
  const actual = result.outputs.out0;
  assert.deepEqual(actual.shape, expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.data.length; ++i)
    worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]) / Math.max(Math.abs(expected.data[i]), 1e-3));
  assert.ok(worst < 1e-4, `largest relative error ${worst}`);
});

test('the web page flow: a .keras file converts, then summarizes', async () => {
  const converted = await mq.keras2pb(readFileSync(join(kerasData, 'files/shared_layers.keras')), { name: 'shared_layers.keras' });
  const summary = await mq.summarize(converted.graph, { name: 'shared_layers.pb' });
  assert.deepEqual(summary.inputs.map((i) => i.name), ['left', 'right']);
  assert.deepEqual([...summary.outputs].sort(), [...converted.outputs].sort());
});

test('real Keras files: same graph as the CLI; refusals with the CLI message', async (t) => {
  const kerasDir = join(sharedDir, 'keras');
  if (!existsSync(kerasDir)) {
    console.log(`SKIPPED: ${t.name}: ${kerasDir} does not exist`);
    t.skip(`${kerasDir} does not exist`);
    return;
  }
  for (const file of ['face_fer2013_mini_XCEPTION.102-0.66.hdf5', 'flownet_final_model.keras']) {
    const path = join(kerasDir, file);
    const native = nativeKeras2pb(t, path);
    const converted = await mq.keras2pb(readFileSync(path), { name: path });
    assert.ok(Buffer.from(converted.graph).equals(native.graph), `${file}: bytes differ from the CLI's`);
  }
  for (const file of ['kerasteam_pre_pr22362_nested_container.keras', 'fdeep_lstm.latest.h5']) {
    const path = join(kerasDir, file);
    const native = runNative(['keras2pb', path, '-o', join(tempDir(t), 'x.pb')]);
    assert.equal(native.status, 2);
    await assert.rejects(mq.keras2pb(readFileSync(path), { name: path }), (error) => {
      assert.ok(error instanceof api.ModelQuantError);
      assert.equal(error.code, 'unsupported');
      assert.equal(error.message, nativeErrorMessage(native.stderr));
      return true;
    }, basename(path));
  }
});

test('errors: a missing weight file, a bad option, not a Keras file', async () => {
  const folder = join(kerasData, 'tfjs/dense');
  await assert.rejects(mq.keras2pb(readFileSync(join(folder, 'model.json')), { name: 'model.json' }), {
    message: "model.json: the weight file 'weights.bin' that model.json lists was not given",
    code: 'invalid_input',
  });
  await assert.rejects(mq.keras2pb(readFileSync(join(folder, 'model.json')), { weights: 'weights.bin' }), {
    message: "option 'weights' must be an object mapping file names to Uint8Arrays",
  });
  await assert.rejects(mq.keras2pb(new TextEncoder().encode('node { name: "x" }'), { name: 'x.pbtxt' }), {
    message: 'x.pbtxt: not a Keras model: expected an HDF5 file (.h5 / .hdf5), a Keras 3 archive (.keras) or a TensorFlow.js model.json',
  });
});
