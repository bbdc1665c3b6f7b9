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
  });
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
