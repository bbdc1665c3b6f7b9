#!/usr/bin/env node
// Makes the Keras import's reference outputs with TensorFlow.js (pure
// JavaScript CPU backend), so that the C++ tests can check converted graphs
// without TensorFlow. Writes tests/data/keras/:
//
//   tfjs/<name>/model.json + weights.bin   small TensorFlow.js Layers models, one or a few layer
//                                          types each, with seeded random weights (saved by
//                                          TensorFlow.js itself; *_uint8 / *_uint16 / *_float16
//                                          variants store quantized weights in the manifest)
//   tfjs/<name>/input_<i>.npy, output_<i>.npy   fixed inputs and what TensorFlow.js computes
//   real/<name>/input_<i>.npy, output_<i>.npy   the same for the real files in ../shared/keras: the
//                                          model is rebuilt in TensorFlow.js from its config
//                                          (Keras 3 configs translated to the Keras 2 dialect) and
//                                          given the weights our HDF5 reader exports
//                                          (modelquant keras2pb --export-weights)
//   references.json                        what was made, for the tests
//
// Usage: node scripts/make_keras_references.mjs [path/to/modelquant]
//        (default build/native/native-cli/modelquant; ../shared/keras, or $MQ_SHARED_DIR/keras)
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(repo, 'tests/data/keras');
const modelquant = path.resolve(process.argv[2] ?? path.join(repo, 'build/native/native-cli/modelquant'));
const sharedKeras = path.join(process.env.MQ_SHARED_DIR ?? path.join(repo, '../shared'), 'keras');

// ---- small helpers ----------------------------------------------------------

// mulberry32: the same numbers on every machine.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(shape, rng, low = -1, high = 1) {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; ++i) values[i] = low + (high - low) * rng();
  return values;
}

// NumPy .npy version 1.0, little-endian, C order.
function npyBytes(typed, shape) {
  const descr = typed instanceof Int32Array ? '<i4' : '<f4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + typed.byteLength);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).copy(out, 10 + header.length);
  return out;
}

async function writeTensor(file, tensor) {
  const data = await tensor.data();
  const typed = tensor.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
  fs.writeFileSync(file, npyBytes(typed, tensor.shape));
}

function freshDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

// Saves a model as TensorFlow.js does (model.json + one weights.bin), through an IOHandler.
async function saveLayersModel(model, dir) {
  let artifacts;
  await model.save({ save: async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } }; } });
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData));
  return { topology: artifacts.modelTopology, specs: artifacts.weightSpecs, data: artifacts.weightData };
}

// Every weight gets seeded values; variances stay positive.
function setRandomWeights(model, seed) {
  const rng = random(seed);
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const positive = /variance/.test(w.originalName);
      const data = uniform(w.shape, rng, positive ? 0.5 : -0.8, positive ? 1.5 : 0.8);
      return tf.tensor(data, w.shape);
    });
    if (values.length) layer.setWeights(values);
  }
}

function inputsFor(model, seed, batch = 2) {
  const rng = random(seed);
  return model.inputs.map((input) => {
    const shape = [batch, ...input.shape.slice(1)];
    if (input.dtype === 'int32') {
      const size = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(Int32Array.from({ length: size }, () => Math.floor(rng() * 10)), shape, 'int32');
    }
    return tf.tensor(uniform(shape, rng), shape);
  });
}

async function writeReferences(dir, model, inputs) {
  let outputs = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  if (!Array.isArray(outputs)) outputs = [outputs];
  for (let i = 0; i < inputs.length; ++i) await writeTensor(path.join(dir, `input_${i}.npy`), inputs[i]);
  for (let i = 0; i < outputs.length; ++i) await writeTensor(path.join(dir, `output_${i}.npy`), outputs[i]);
  return { inputs: inputs.length, outputs: outputs.length };
}

// ---- the small TensorFlow.js models -----------------------------------------

const L = tf.layers;

const fixtures = {
  dense: () => tf.sequential({ layers: [
    L.dense({ name: 'dense', units: 5, activation: 'relu', inputShape: [4] }),
    L.dense({ name: 'dense_1', units: 3, useBias: false, activation: 'tanh' }),
    L.dense({ name: 'dense_2', units: 2, activation: 'softmax' }),
  ] }),
  dense_rank3: () => tf.sequential({ layers: [
    L.dense({ name: 'dense', units: 4, activation: 'sigmoid', inputShape: [3, 5] }),
    L.flatten({ name: 'flatten' }),
  ] }),
  activations: () => {
    const x = tf.input({ shape: [6], name: 'x' });
    const h = L.dense({ name: 'dense', units: 7 }).apply(x);
    const names = ['relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign',
      'hard_sigmoid', 'swish', 'mish', 'gelu', 'linear'];
    const tfjsName = { hard_sigmoid: 'hardSigmoid' };
    const outputs = names.map((n) => L.activation({ name: `act_${n}`, activation: tfjsName[n] ?? n }).apply(h));
    return tf.model({ inputs: x, outputs, name: 'activations' });
  },
  activation_layers: () => {
    const x = tf.input({ shape: [3, 4], name: 'x' });
    const outputs = [
      L.reLU({ name: 're_lu' }).apply(x),
      L.reLU({ name: 're_lu_1', maxValue: 0.5 }).apply(x),
      L.leakyReLU({ name: 'leaky_re_lu', alpha: 0.1 }).apply(x),
      L.elu({ name: 'elu' }).apply(x),  // TensorFlow.js has no ELU alpha other than 1
      L.softmax({ name: 'softmax', axis: -1 }).apply(x),
      L.prelu({ name: 'p_re_lu' }).apply(x),
      L.thresholdedReLU({ name: 'thresholded_re_lu', theta: 0.3 }).apply(x),
    ];
    return tf.model({ inputs: x, outputs, name: 'activation_layers' });
  },
  conv2d: () => tf.sequential({ layers: [
    L.conv2d({ name: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [9, 9, 3] }),
    L.conv2d({ name: 'conv2d_1', filters: 5, kernelSize: [2, 3], padding: 'valid', useBias: false }),
    L.conv2d({ name: 'conv2d_2', filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same' }),
  ] }),
  depthwise_separable: () => tf.sequential({ layers: [
    L.depthwiseConv2d({ name: 'depthwise_conv2d', kernelSize: 3, depthMultiplier: 2, padding: 'same', inputShape: [8, 8, 3] }),
    L.separableConv2d({ name: 'separable_conv2d', filters: 6, kernelSize: 3, activation: 'relu' }),
    L.separableConv2d({ name: 'separable_conv2d_1', filters: 4, kernelSize: 2, strides: 2, padding: 'same', useBias: false }),
  ] }),
  conv2d_transpose: () => tf.sequential({ layers: [
    L.conv2dTranspose({ name: 'conv2d_transpose', filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [5, 5, 3] }),
    L.conv2dTranspose({ name: 'conv2d_transpose_1', filters: 2, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' }),
  ] }),
  batch_normalization: () => tf.sequential({ layers: [
    L.conv2d({ name: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', inputShape: [6, 6, 2] }),
    L.batchNormalization({ name: 'batch_normalization', epsilon: 0.01 }),
    L.batchNormalization({ name: 'batch_normalization_1', scale: false }),
    L.flatten({ name: 'flatten' }),
    L.dense({ name: 'dense', units: 5 }),
    L.batchNormalization({ name: 'batch_normalization_2' }),
    L.batchNormalization({ name: 'batch_normalization_3', center: false }),
  ] }),
  pooling: () => {
    const x = tf.input({ shape: [7, 7, 3], name: 'image' });
    const max = L.maxPooling2d({ name: 'max_pooling2d', poolSize: 2, padding: 'same' }).apply(x);
    const avg = L.averagePooling2d({ name: 'average_pooling2d', poolSize: 3, strides: 1 }).apply(x);
    const avgSame = L.averagePooling2d({ name: 'average_pooling2d_1', poolSize: 3, strides: 2, padding: 'same' }).apply(x);
    const gap = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(max);
    const gmp = L.globalMaxPooling2d({ name: 'global_max_pooling2d' }).apply(avg);
    return tf.model({ inputs: x, outputs: [max, avg, avgSame, gap, gmp], name: 'pooling' });
  },
  conv1d_pooling1d: () => tf.sequential({ layers: [
    L.conv1d({ name: 'conv1d', filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2, inputShape: [10, 3] }),
    L.conv1d({ name: 'conv1d_1', filters: 5, kernelSize: 2, strides: 2, activation: 'relu' }),
    L.maxPooling1d({ name: 'max_pooling1d', poolSize: 2 }),
    L.globalAveragePooling1d({ name: 'global_average_pooling1d' }),
  ] }),
  merge: () => {
    const a = tf.input({ shape: [2, 3], name: 'a' });
    const b = tf.input({ shape: [2, 3], name: 'b' });
    const c = tf.input({ shape: [2, 3], name: 'c' });
    const outputs = [
      L.add({ name: 'add' }).apply([a, b, c]),
      L.multiply({ name: 'multiply' }).apply([a, b, c]),
      L.average({ name: 'average' }).apply([a, b, c]),
      L.maximum({ name: 'maximum' }).apply([a, b]),
      L.minimum({ name: 'minimum' }).apply([a, c]),
      L.concatenate({ name: 'concatenate' }).apply([a, b]),
      L.concatenate({ name: 'concatenate_1', axis: 1 }).apply([a, b, c]),
    ];
    return tf.model({ inputs: [a, b, c], outputs, name: 'merge' });
  },
  reshaping: () => {
    const x = tf.input({ shape: [4, 5, 2], name: 'x' });
    const outputs = [
      L.zeroPadding2d({ name: 'zero_padding2d', padding: [[1, 2], [0, 3]] }).apply(x),
      L.cropping2D({ name: 'cropping2d', cropping: [[1, 0], [2, 1]] }).apply(x),
      L.upSampling2d({ name: 'up_sampling2d', size: [2, 3] }).apply(x),
      L.upSampling2d({ name: 'up_sampling2d_1', size: [2, 2], interpolation: 'bilinear' }).apply(x),
      L.flatten({ name: 'flatten' }).apply(x),
      L.reshape({ name: 'reshape', targetShape: [10, -1] }).apply(x),
      L.permute({ name: 'permute', dims: [3, 1, 2] }).apply(x),
      L.repeatVector({ name: 'repeat_vector', n: 3 }).apply(L.flatten({ name: 'flatten_1' }).apply(x)),
    ];
    return tf.model({ inputs: x, outputs, name: 'reshaping' });
  },
  embedding: () => {
    const ids = tf.input({ shape: [5], name: 'ids', dtype: 'int32' });
    const e = L.embedding({ name: 'embedding', inputDim: 10, outputDim: 4 }).apply(ids);
    const f = L.flatten({ name: 'flatten' }).apply(e);
    const y = L.dense({ name: 'dense', units: 3 }).apply(f);
    return tf.model({ inputs: ids, outputs: y, name: 'embedding' });
  },
  shared_layers: () => {
    const left = tf.input({ shape: [4], name: 'left' });
    const right = tf.input({ shape: [4], name: 'right' });
    const shared = L.dense({ name: 'shared_dense', units: 3, activation: 'tanh' });
    const l = shared.apply(left);
    const r = shared.apply(right);
    const merged = L.concatenate({ name: 'concatenate' }).apply([l, r]);
    const out = L.dense({ name: 'dense', units: 2 }).apply(merged);
    const product = L.multiply({ name: 'multiply' }).apply([l, r]);
    return tf.model({ inputs: [left, right], outputs: [out, product], name: 'shared_layers' });
  },
  dropout_and_friends: () => tf.sequential({ layers: [
    L.dense({ name: 'dense', units: 6, inputShape: [3] }),
    L.dropout({ name: 'dropout', rate: 0.5 }),
    L.gaussianNoise({ name: 'gaussian_noise', stddev: 1 }),
    L.dense({ name: 'dense_1', units: 2 }),
  ] }),
};

// Quantized copies of a saved model: the weights stored as uint8 / uint16
// (value = q * scale + min) or float16, as tensorflowjs_converter --quantize_* writes them.
function quantizedCopy(saved, dtype) {
  const source = new Float32Array(saved.data);
  const chunks = [];
  const specs = [];
  let offset = 0;
  for (const spec of saved.specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = source.subarray(offset, offset + count);
    offset += count;
    if (dtype === 'float16') {
      const half = new Uint16Array(count);
      for (let i = 0; i < count; ++i) half[i] = floatToHalf(values[i]);
      chunks.push(Buffer.from(half.buffer));
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
      continue;
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    let min = Math.min(0, ...values);
    const max = Math.max(0, ...values);
    const scale = max > min ? (max - min) / levels : 1;
    const zero = Math.round(-min / scale);  // zero stays exactly representable
    min = -zero * scale;
    const q = dtype === 'uint8' ? new Uint8Array(count) : new Uint16Array(count);
    for (let i = 0; i < count; ++i) q[i] = Math.min(levels, Math.max(0, Math.round((values[i] - min) / scale)));
    chunks.push(Buffer.from(q.buffer));
    specs.push({ ...spec, quantization: { dtype, scale, min } });
  }
  return { specs, data: Buffer.concat(chunks) };
}

function floatToHalf(value) {
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  let exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) {  // subnormal or zero
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >>> shift;
    if ((mantissa >>> (shift - 1)) & 1) half += 1;
    return sign | half;
  }
  if (exponent >= 31) return sign | 0x7c00;
  let half = sign | (exponent << 10) | (mantissa >>> 13);
  if (mantissa & 0x1000) half += 1;  // round half up
  return half;
}

async function makeFixture(name, build, seed, references) {
  const dir = path.join(outRoot, 'tfjs', name);
  freshDir(dir);
  const model = build();
  setRandomWeights(model, seed);
  const saved = await saveLayersModel(model, dir);
  const inputs = inputsFor(model, seed + 1);
  const io = await writeReferences(dir, model, inputs);
  references.tfjs.push({ name, ...io });
  return { saved, inputs };
}

async function makeQuantizedFixture(name, base, dtype, references) {
  const dir = path.join(outRoot, 'tfjs', `${name}_${dtype}`);
  freshDir(dir);
  const { specs, data } = quantizedCopy(base.saved, dtype);
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'scripts/make_keras_references.mjs',
    modelTopology: base.saved.topology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  fs.writeFileSync(path.join(dir, 'weights.bin'), data);
  // TensorFlow.js itself decodes the quantized weights: the reference for our decoder.
  const model = await tf.loadLayersModel({
    load: async () => ({ modelTopology: base.saved.topology, weightSpecs: specs,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }),
  });
  const io = await writeReferences(dir, model, base.inputs);
  references.tfjs.push({ name: `${name}_${dtype}`, ...io });
}

// ---- the real files -----------------------------------------------------------

// A Keras config in any dialect → the Keras 2 dialect TensorFlow.js reads.
function toTensorFlowJsTopology(modelConfig) {
  const cleanConfig = (className, config) => {
    const out = {};
    for (const [key, value] of Object.entries(config ?? {})) {
      if (/_(initializer)$/.test(key)) out[key] = { class_name: 'Zeros', config: {} };
      else if (/_(regularizer|constraint)$/.test(key)) out[key] = null;
      else if (key === 'dtype' && value && typeof value === 'object') out[key] = value.config?.name ?? 'float32';
      else if (key === 'batch_shape') out.batch_input_shape = value;
      else if (key === 'negative_slope' && className === 'LeakyReLU') out.alpha = value;
      else if (key === 'axis' && className === 'BatchNormalization' && Array.isArray(value)) out.axis = value[0];
      else out[key] = value;
    }
    return out;
  };
  const cleanLayer = (layer) => ({ class_name: layer.class_name, config: cleanConfig(layer.class_name, layer.config) });
  const tensorsOf = (value, out) => {
    if (Array.isArray(value)) value.forEach((v) => tensorsOf(v, out));
    else if (value && typeof value === 'object') {
      if (value.class_name === '__keras_tensor__') out.push([...value.config.keras_history, {}]);
      else Object.values(value).forEach((v) => tensorsOf(v, out));
    }
    return out;
  };
  const refs = (value) => (typeof value[0] === 'string' ? [value] : value);
  const config = modelConfig.config;
  if (modelConfig.class_name === 'Sequential') {
    const layers = (Array.isArray(config) ? config : config.layers).map(cleanLayer);
    if (layers[0].class_name === 'InputLayer') {
      const input = layers.shift();
      layers[0].config.batch_input_shape = input.config.batch_input_shape;
    }
    return { class_name: 'Sequential', config: { name: config.name ?? 'sequential', layers } };
  }
  const layers = config.layers.map((layer) => ({
    ...cleanLayer(layer),
    name: layer.name,
    inbound_nodes: (layer.inbound_nodes ?? []).map((node) => (Array.isArray(node) ? node : tensorsOf(node.args, []))),
  }));
  return { class_name: 'Model', config: { name: config.name, layers,
    input_layers: refs(config.input_layers), output_layers: refs(config.output_layers) } };
}

const realModels = [
  { name: 'face_fer2013_mini_XCEPTION', file: 'face_fer2013_mini_XCEPTION.102-0.66.hdf5' },
  { name: 'kotlindl_batchnorm', file: 'kotlindl_batchnorm_weights.h5', config: 'kotlindl_batchnorm_modelConfig.json' },
  { name: 'flownet_final_model', file: 'flownet_final_model.keras' },
];

async function makeRealReference(entry, references) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keras-ref-'));
  try {
    const args = ['keras2pb', path.join(sharedKeras, entry.file), '-o', path.join(scratch, 'model.pb'),
      '--export-weights', scratch];
    if (entry.config) args.push('--config', path.join(sharedKeras, entry.config));
    execFileSync(modelquant, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const index = JSON.parse(fs.readFileSync(path.join(scratch, 'weights.json'), 'utf8'));
    const bin = fs.readFileSync(path.join(scratch, 'weights.bin'));
    const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
    const model = await tf.models.modelFromJSON({ modelTopology: toTensorFlowJsTopology(index.model_config) });
    const byLayer = new Map(index.layers.map((layer) => [layer.name, layer.weights]));
    for (const layer of model.layers) {
      const stored = byLayer.get(layer.name) ?? [];
      if (stored.length !== layer.weights.length)
        throw new Error(`${entry.name}: layer ${layer.name} has ${layer.weights.length} weights in TensorFlow.js, ${stored.length} in the file`);
      if (stored.length) {
        layer.setWeights(stored.map((w) => {
          const count = w.shape.reduce((a, b) => a * b, 1);
          return tf.tensor(floats.slice(w.offset, w.offset + count), w.shape);
        }));
      }
    }
    const dir = path.join(outRoot, 'real', entry.name);
    freshDir(dir);
    const io = await writeReferences(dir, model, inputsFor(model, 2024));
    references.real.push({ name: entry.name, file: entry.file, config: entry.config ?? null, ...io });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// ---- main ---------------------------------------------------------------------

await tf.setBackend('cpu');
const references = {
  generated_by: `scripts/make_keras_references.mjs with TensorFlow.js ${tf.version.tfjs} (cpu backend)`,
  tfjs: [],
  real: [],
};
let seed = 100;
const saved = {};
for (const [name, build] of Object.entries(fixtures)) {
  saved[name] = await makeFixture(name, build, (seed += 10), references);
  console.log(`tfjs/${name}`);
}
for (const dtype of ['uint8', 'uint16', 'float16']) {
  await makeQuantizedFixture('conv2d', saved.conv2d, dtype, references);
  console.log(`tfjs/conv2d_${dtype}`);
}
if (fs.existsSync(sharedKeras)) {
  if (!fs.existsSync(modelquant)) throw new Error(`modelquant not found at ${modelquant}; build it or pass its path`);
  for (const entry of realModels) {
    await makeRealReference(entry, references);
    console.log(`real/${entry.name}`);
  }
} else {
  // Keep the references made earlier rather than dropping them from the index.
  const previous = path.join(outRoot, 'references.json');
  if (fs.existsSync(previous)) references.real = JSON.parse(fs.readFileSync(previous, 'utf8')).real ?? [];
  console.log(`SKIPPED: the real Keras files: ${sharedKeras} not found (kept the ${references.real.length} references made before)`);
}
fs.writeFileSync(path.join(outRoot, 'references.json'), JSON.stringify(references, null, 1) + '\n');
