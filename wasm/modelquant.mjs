// ModelQuantization for JavaScript: the API over the wasm module.
//
//   import { loadModelQuant } from './modelquant.mjs';
//   const mq = await loadModelQuant();
//   const text = await mq.convert(bytes, 'text');   // Uint8Array in, Uint8Array out
//
// Every method returns a promise; a failure rejects it with a ModelQuantError
// (an Error) whose message is the one the native CLI prints and whose `code`
// is "invalid_input", "unsupported", "resource_exhausted" or "internal".
// A failure that still has a result to show (summarize of a graph whose inputs
// name missing nodes, where the CLI prints the summary and then fails) carries
// it as `error.value`.
// Options common to all methods: {name}, the input's name in messages
// (default "input"; pass the file name to get the CLI's exact message).
//
// Works in browsers, workers and Node.js (which cannot fetch() the .wasm file,
// so it is read from disk here). For a page without a server, load the
// single-file build instead: loadModelQuant({ factory: (await
// import('./modelquant-single.mjs')).default }).

export class ModelQuantError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'ModelQuantError';
    this.code = code;
  }
}

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

// Wraps an instantiated core module (what the factory of modelquant-core.mjs
// or modelquant-single.mjs resolves to).
export function wrapCore(core) {
  let brokenBy = null;
  // Every core function takes (bytes, options) and returns {ok, value} or
  // {ok: false, error, code}.
  function call(name, bytes, options) {
    if (brokenBy)
      throw new ModelQuantError(`the wasm module stopped after an earlier failure (${brokenBy}); load it again`, 'internal');
    let result;
    try {
      result = core[name](bytes, options ?? {});
    } catch (error) {
      // An abort inside wasm (out of memory beyond the 4 GB limit, a failed
      // check): the instance cannot be used again.
      // A bare number is a C++ exception (std::bad_alloc when memory runs out).
      brokenBy = typeof error === 'number' ? 'a C++ exception, most likely out of memory' : error?.message ?? String(error);
      throw new ModelQuantError(`${name} failed inside the wasm module: ${brokenBy}`, 'internal');
    }
    if (result.ok) return result.value;
    const failure = new ModelQuantError(result.error, result.code);
    if ('value' in result) failure.value = result.value;
    throw failure;
  }
  return Object.freeze({
    version: core.version(),
    // summarize(bytes, {name, structure}) → the object of `modelquant summarize --json`
    summarize: async (bytes, options = {}) => call('summarize', bytes, options),
    // convert(bytes, 'text' | 'binary', {name}) → Uint8Array
    convert: async (bytes, format, options = {}) => call('convert', bytes, { ...options, format }),
    // transform(bytes, {transforms: 'strip_unused_nodes quantize_weights'} or {recipe, shape},
    //           {inputs, outputs, format: 'binary' | 'text', name}) → {bytes: Uint8Array, report}
    // The bytes and report are what `modelquant transform … --json` writes and prints. A transform
    // string that does not parse rejects with error.value = {offset, line, column, excerpt}.
    // options.onProgress, when given, is called (synchronously, from inside the call) with
    // {phase: 'parse'}, {phase: 'transform', index, count, name} before each transform, and
    // {phase: 'serialize'}: a worker can post these to its page while the call runs.
    transform: async (bytes, options = {}) => call('transform', bytes, options),
    // Every transform with its parameters: {transforms: [{name, help, parameters}], common_parameters}
    transforms: async () => core.transforms(),
    // The ready-made transform lists: {recipes: [{name, help, transforms}]}
    recipes: async () => core.recipes(),
    // run(bytes, {inputs: {name: {data: TypedArray, shape, dtype?}}, outputs: [names],
    //   shapes: {name: [sizes]}, seed, name}) → {outputs: {name: {dtype, shape, data}},
    //   inputs: {name: {dtype, shape, data, generated}}, milliseconds, peakBytes}
    // Inputs not given are generated from the seed like `modelquant run` does.
    run: async (bytes, options = {}) => {
      const result = call('run', bytes, toCoreRunOptions(options));
      return {
        outputs: fromCoreTensors(result.outputs),
        inputs: fromCoreTensors(result.inputs),
        milliseconds: result.milliseconds,
        peakBytes: result.peakBytes,
      };
    },
    // compare(bytesA, bytesB, {inputs, outputs, shapes, seed, rtol, atol, name, otherName})
    //   → the object of `modelquant compare --json` ({within_tolerance, outputs: [...]})
    compare: async (bytesA, bytesB, options = {}) =>
      call('compare', bytesA, { ...toCoreRunOptions(options), other: bytesB }),
    // keras2pb(bytes, {config, outputPrefix, weights, name}) → {graph: Uint8Array, inputs, outputs,
    //   description}: a Keras .h5 / .keras (or TensorFlow.js model.json, its .bin files in
    //   `weights: {path: Uint8Array}`) as a frozen GraphDef; `config` is the topology JSON
    //   (string or bytes) a weights-only .h5 needs. As `modelquant keras2pb`.
    keras2pb: async (bytes, options = {}) => call('keras2pb', bytes, options),
  });
}

// Typed arrays and NumPy dtype names, for run() and compare().
const dtypeOfArray = new Map([
  [Float32Array, 'float32'], [Float64Array, 'float64'], [Int8Array, 'int8'], [Int16Array, 'int16'],
  [Int32Array, 'int32'], [BigInt64Array, 'int64'], [Uint8Array, 'uint8'], [Uint16Array, 'uint16'],
  [Uint32Array, 'uint32'], [BigUint64Array, 'uint64'],
]);
const arrayOfDtype = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array, float16: Uint16Array,
};

// {name: {data, shape, dtype?}} → [{name, dtype, shape, bytes}] for the core.
function toCoreRunOptions(options) {
  const { inputs, ...rest } = options ?? {};
  if (inputs === undefined || inputs === null) return rest;
  if (typeof inputs !== 'object' || Array.isArray(inputs))
    throw new ModelQuantError("option 'inputs' must be an object {name: {data, shape}}", 'invalid_input');
  const coreInputs = Object.entries(inputs).map(([name, input]) => {
    const data = input?.data;
    if (!ArrayBuffer.isView(data) || data instanceof DataView)
      throw new ModelQuantError(`input '${name}': data must be a typed array (Float32Array, Int32Array, ...)`, 'invalid_input');
    const dtype = input.dtype ?? dtypeOfArray.get(data.constructor);
    if (dtype === undefined) throw new ModelQuantError(`input '${name}': give its dtype`, 'invalid_input');
    const shape = input.shape ?? [data.length];
    return { name, dtype, shape, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  });
  return { ...rest, inputs: coreInputs };
}

// [{name, dtype, shape, bytes, generated?}] → {name: {dtype, shape, data, generated?}}.
function fromCoreTensors(tensors) {
  const out = {};
  for (const { name, dtype, shape, bytes, ...extra } of tensors) {
    const ArrayType = arrayOfDtype[dtype];
    const data = new ArrayType(bytes.buffer, bytes.byteOffset, bytes.byteLength / ArrayType.BYTES_PER_ELEMENT);
    out[name] = { dtype, shape, data, ...extra };
  }
  return out;
}

// Instantiates the wasm module. `options.factory` picks another build (the
// single-file one); other options go to the Emscripten factory (wasmBinary,
// locateFile, print, printErr).
export async function loadModelQuant(options = {}) {
  const { factory, ...moduleOptions } = options;
  let createCore = factory;
  if (!createCore) {
    createCore = (await import('./modelquant-core.mjs')).default;
    if (isNode && !moduleOptions.wasmBinary) {
      const { readFile } = await import('node:fs/promises');
      moduleOptions.wasmBinary = await readFile(new URL('./modelquant-core.wasm', import.meta.url));
    }
  }
  return wrapCore(await createCore(moduleOptions));
}

export default loadModelQuant;
