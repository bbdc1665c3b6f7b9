// P6: `modelquant run` against TensorFlow.js (tfjs-backend-wasm, SIMD, one
// thread like ours) on the same frozen graph and the same input. The graph
// is converted to a tfjs graph model (bench/graphdef_to_tfjs.mjs) and loaded
// with tf.loadGraphModel; the input is the one `modelquant run` generates
// (--save-inputs). Ours: the evaluation time `modelquant run` reports, median
// over RUNS processes. TensorFlow.js: model.execute() + dataSync(), median
// over RUNS calls after one warm-up call. The outputs must agree.
// Prints one JSON line per model: {model, ours_ms, tfjs_ms, max_abs_difference, note}.
//
//   node bench/tfjs_compare.mjs --native build/bench [--runs 5] [MODEL.pb:INPUT=1x224x224x3:OUTPUT ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { writeGraphModel } from './graphdef_to_tfjs.mjs';
import { median } from './median.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const nativeDir = resolve(root, option('--native', 'build/bench'));
const runs = Number(option('--runs', 5));
const modelquant = join(nativeDir, 'native-cli/modelquant');
const outDir = join(root, 'bench/out');
const shared = resolve(root, '../shared/models');

const specs = args.length
  ? args
  : [`${join(shared, 'npm_nsfwjs_mobilenet_v2_mid.pb')}:input=1x224x224x3:Identity`,
     `${join(outDir, 'example_cnn_100.pb')}:input=1x64x64x3:predictions:optimizing_for_deployment`];

// A little-endian float32 .npy file → {shape, data}.
function readNpy(path) {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${path}: only float32 .npy files are read here`);
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  return { shape, data };
}


setWasmPaths(`${join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
// tensorflowjs_converter drops CheckNumerics; tfjs has no kernel for it.
tf.registerOp('CheckNumerics', (node) => tf.clone(node.inputs[0]));
await tf.setBackend('wasm');
await tf.ready();

for (const spec of specs) {
  // A fourth field names a recipe run first (the example CNN has ops tfjs
  // lacks, BatchNormWithGlobalNormalization and CheckNumerics, which
  // tensorflowjs_converter would fold away too); both then run its output.
  let [model, shapeSpec, output, recipe] = spec.split(':');
  if (!existsSync(model)) {
    console.error(`SKIPPED ${model}: absent`);
    continue;
  }
  const [inputName, shapeText] = shapeSpec.split('=');
  let name = basename(model, '.pb');
  if (recipe) {
    const prepared = join(outDir, `${name}_${recipe}.pb`);
    const result = spawnSync(modelquant, ['transform', model, '-o', prepared, '--recipe', recipe, '--outputs', output], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`modelquant transform ${model}: ${result.stderr}`);
    model = prepared;
    name = `${name} after ${recipe}`;
  }
  const work = join(outDir, `tfjs_${basename(model, '.pb')}`);
  mkdirSync(work, { recursive: true });

  // Ours, whole processes; the first writes the generated input.
  const oursMs = [];
  for (let i = 0; i < runs; ++i) {
    const result = spawnSync(modelquant, ['run', model, '--shape', `${inputName}=${shapeText}`, '--outputs', output, '--out-dir', work, '--save-inputs'], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`modelquant run ${model}: ${result.stderr}`);
    oursMs.push(Number(/([\d.]+) ms, peak/.exec(result.stdout)[1]));
  }

  writeGraphModel(readFileSync(model), work);
  const modelJson = JSON.parse(readFileSync(join(work, 'model.json'), 'utf8'));
  const weightData = readFileSync(join(work, 'group1-shard1of1.bin'));
  const graphModel = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.length),
      format: modelJson.format,
    }),
  );
  const outputs = [output];
  const input = readNpy(join(work, `input.${inputName.replace(/[/:]/g, '_')}.npy`));
  const inputTensor = tf.tensor(input.data, input.shape, 'float32');
  const execute = () => {
    const result = graphModel.execute({ [inputName]: inputTensor }, outputs[0]);
    const data = result.dataSync();
    result.dispose();
    return data;
  };
  const started = performance.now();
  const tfjsOutput = execute();
  const firstMs = performance.now() - started;
  const tfjsMs = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = performance.now();
    execute();
    tfjsMs.push(performance.now() - t0);
  }
  const ours = readNpy(join(work, `${outputs[0].replace(/[/:]/g, '_')}.npy`));
  let difference = 0;
  for (let i = 0; i < ours.data.length; ++i) difference = Math.max(difference, Math.abs(ours.data[i] - tfjsOutput[i]));
  if (ours.data.length !== tfjsOutput.length || !(difference < 1e-3))
    throw new Error(`${name}: outputs differ (max |difference| ${difference}, ${ours.data.length} vs ${tfjsOutput.length} values)`);
  console.log(JSON.stringify({
    model: `${name} (${shapeText})`,
    ours_ms: median(oursMs),
    tfjs_ms: median(tfjsMs),
    max_abs_difference: difference,
    note: `ours: evaluation as run reports it, median of ${runs} processes; tfjs: warm execute, median of ${runs} (first call ${firstMs.toFixed(0)} ms); max |Δ| ${difference.toExponential(1)}`,
  }));
  inputTensor.dispose();
  graphModel.dispose();
}
