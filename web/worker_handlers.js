// What the Web Worker does: it runs the WebAssembly module, keeps the open
// model's bytes and the last result's bytes, and answers the page's requests
// (protocol: lib/worker_client.js). The page sends a model once and then only
// asks questions about it; result bytes leave the worker only as a Blob for a
// download. Shared by worker.js (the hosted page's module worker) and the
// single-file build's classic worker (offline/worker_entry.js), which differ
// only in how they load the module.

import { baseName } from './lib/output_names.js';

const KERAS_NAME = /\.(h5|hdf5|keras)$/i;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

// A failure the page shows as it is; `code` as the module's errors have.
class WorkerError extends Error {
  constructor(message, code = 'invalid_input') {
    super(message);
    this.code = code;
  }
}

// `loadApi()` resolves to the module's API object (wasm/modelquant.mjs's
// loadModelQuant()). `scope` is the worker's global scope.
export function serveModelRequests(scope, loadApi) {
  let apiPromise = null;
  let model = null;  // { name, bytes: Uint8Array, convertedFrom? }
  let result = null; // { bytes: Uint8Array, report, name }

  function api() {
    apiPromise ??= (async () => {
      try {
        return await loadApi();
      } catch (error) {
        apiPromise = null;
        throw new WorkerError(`the WebAssembly module could not be loaded: ${error.message}`, 'internal');
      }
    })();
    return apiPromise;
  }

  // A call into the module. After a failure inside wasm (an abort, running
  // out of memory) the instance is unusable: the next call loads a fresh one.
  async function callModule(name, ...args) {
    const module = await api();
    if (typeof module[name] !== 'function') {
      throw new WorkerError(`this build of the WebAssembly module has no '${name}' function`, 'unsupported');
    }
    try {
      return await module[name](...args);
    } catch (error) {
      if (error?.code === 'internal' && /inside the wasm module/.test(error.message)) {
        apiPromise = null;
        model = null;
        result = null;
        if (/memory|bad_alloc|OOM/i.test(error.message)) {
          throw new WorkerError(`${error.message}. The model and its copies do not fit in the memory this ` +
            'browser gives a page (at most 4 GB for WebAssembly)', 'resource_exhausted');
        }
      }
      throw error;
    }
  }

  function requireModel() {
    if (!model) throw new WorkerError('no model is open: open a .pb or .pbtxt file first');
    return model;
  }
  function requireResult() {
    if (!result) throw new WorkerError('there is no result yet: run a recipe or a transform list first');
    return result;
  }

  const handlers = {
    // Names of the functions the module offers: the page shows only what they allow.
    async capabilities() {
      const module = await api();
      const functions = Object.keys(module).filter((name) => typeof module[name] === 'function');
      return { functions: functions.sort(), version: module.version };
    },

    // The transform registry and the recipes, for the form.
    async registry() {
      const module = await api();
      return {
        transforms: typeof module.transforms === 'function' ? await module.transforms() : null,
        recipes: typeof module.recipes === 'function' ? await module.recipes() : null,
      };
    },

    // Makes a file the open model and returns its summary. `file` is a Blob
    // (a File: read here, never in the page) or `buffer` an ArrayBuffer the
    // page transferred. A Keras file is converted first when the module can.
    // A graph that parses but is invalid stays open; its error carries the summary.
    async open({ name, file, buffer }) {
      model = null;
      result = null;
      let bytes = buffer ? new Uint8Array(buffer) : await readBlob(file, name);
      const started = performance.now();
      let openName = name;
      let convertedFrom = null;
      if (looksLikeKeras(name, bytes) && typeof (await api()).keras2pb === 'function') {
        // { graph: Uint8Array (a binary GraphDef), inputs, outputs, description }
        const converted = await callModule('keras2pb', bytes, { name });
        bytes = converted.graph;
        convertedFrom = { name, size: file?.size ?? buffer.byteLength };
        openName = `${baseName(name)}.pb`;
      }
      try {
        const summary = await callModule('summarize', bytes, { name: openName });
        model = { name: openName, bytes, convertedFrom };
        return { summary, name: openName, convertedFrom, milliseconds: performance.now() - started };
      } catch (error) {
        if (error?.value !== undefined) model = { name: openName, bytes, convertedFrom };
        throw error;
      }
    },

    // The open model re-encoded as 'text' (.pbtxt) or 'binary' (.pb).
    async convert({ format }) {
      const { name, bytes } = requireModel();
      const output = await callModule('convert', bytes, format, { name });
      return { buffer: exclusiveBuffer(output), format };
    },

    // Runs a recipe or a transform string on the open model and keeps the
    // result. Progress: {phase: 'parse' | 'transform' | 'serialize', index, count, name}.
    async transform({ request }, progress) {
      const { name, bytes } = requireModel();
      result = null;
      const started = performance.now();
      const output = await callModule('transform', bytes, {
        ...request,
        name,
        onProgress: (event) => progress({ ...event }),
      });
      result = { bytes: output.bytes, report: output.report };
      return {
        report: output.report,
        byteLength: output.bytes.byteLength,
        milliseconds: performance.now() - started,
      };
    },

    // The result as a Blob to download: 'binary' is the transform's bytes as
    // they are, 'text' the same graph re-encoded.
    async resultFile({ format }) {
      const { bytes } = requireResult();
      const { name } = requireModel();
      const output = format === 'text' ? await callModule('convert', bytes, 'text', { name: `${name} (result)` }) : bytes;
      return { blob: new Blob([output], { type: format === 'text' ? 'text/plain' : 'application/octet-stream' }) };
    },

    // Runs the open model and the result on the same generated inputs and
    // compares every output (the module's `compare`). `shapes` sizes the
    // inputs whose shapes the graph leaves open.
    async verify({ shapes, seed = 1 }) {
      const { name, bytes } = requireModel();
      const { bytes: resultBytes, report } = requireResult();
      const options = { name, otherName: `${baseName(name)} (result)`, seed };
      if (shapes && Object.keys(shapes).length) options.shapes = shapes;
      if (report?.outputs?.length) options.outputs = report.outputs;
      const started = performance.now();
      const comparison = await callModule('compare', bytes, resultBytes, options);
      return { comparison, milliseconds: performance.now() - started };
    },
  };

  scope.addEventListener('message', async (event) => {
    const { id, method, params } = event.data;
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : null;
    try {
      if (!handler) throw new WorkerError(`the worker has no method '${method}'`, 'internal');
      const answer = await handler(params ?? {}, (progress) => scope.postMessage({ id, progress }));
      scope.postMessage({ id, ok: true, result: answer }, transferablesOf(answer));
    } catch (error) {
      scope.postMessage({ id, ok: false, error: describeError(error) });
    }
  });
}

// The whole file in memory, with a message that says so when it does not fit.
async function readBlob(blob, name) {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (error) {
    throw new WorkerError(`${name}: the browser could not read the file into memory ` +
      `(${formatSize(blob.size)}; ${error.name}: ${error.message}). Close other tabs or use the ` +
      'command line (modelquant) for a model this large', 'resource_exhausted');
  }
}

function formatSize(bytes) {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function startsWith(bytes, signature) {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

function looksLikeKeras(name, bytes) {
  return KERAS_NAME.test(name) || startsWith(bytes, HDF5_SIGNATURE) || startsWith(bytes, ZIP_SIGNATURE);
}

// An ArrayBuffer holding exactly `view`'s bytes that can be transferred.
function exclusiveBuffer(view) {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view.buffer;
  return view.slice().buffer;
}

function transferablesOf(answer) {
  return Object.values(answer ?? {}).filter((value) => value instanceof ArrayBuffer);
}

// The module's errors carry a `code` and, when there is still a result to
// show, a `value`; both travel to the page with the message.
function describeError(error) {
  if (error instanceof Error) {
    const description = { message: error.message };
    if (error.code !== undefined) description.code = error.code;
    if (error.value !== undefined) description.value = error.value;
    return description;
  }
  return { message: typeof error === 'string' ? error : `unexpected error: ${String(error)}` };
}
