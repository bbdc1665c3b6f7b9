// The Web Worker that runs the WebAssembly module, so that parsing and
// rewriting a large model never freezes the page. It keeps the current model's
// bytes, so the page sends a model once and then only asks questions about it.
// Protocol: see lib/worker_client.js.

const MODULE_URL = new URL('./dist/modelquant.mjs', import.meta.url);

let modulePromise = null;
let currentModel = null; // { name, bytes: Uint8Array }

// The module's API object (see wasm/modelquant.mjs): { version, summarize, convert, … }.
function loadModule() {
  modulePromise ??= (async () => {
    let loadModelQuant;
    try {
      ({ loadModelQuant } = await import(MODULE_URL.href));
    } catch (error) {
      throw new Error(
        `the WebAssembly module could not be loaded (${error.message}). ` +
          'The page needs dist/modelquant.mjs beside it: build it with scripts/build_web.sh.',
      );
    }
    try {
      return await loadModelQuant();
    } catch (error) {
      throw new Error(`the WebAssembly module could not start: ${error.message}`);
    }
  })();
  return modulePromise;
}

// Names of the functions the module offers; the page shows only the features
// whose functions are present.
async function capabilities() {
  const api = await loadModule();
  const functions = Object.keys(api).filter((name) => typeof api[name] === 'function');
  return { functions: functions.sort(), version: api.version };
}

function requireFunction(api, name) {
  if (typeof api[name] !== 'function') {
    throw new Error(`this build of the WebAssembly module has no '${name}' function`);
  }
  return api[name];
}

function requireModel() {
  if (!currentModel) throw new Error('no model is open: open a .pb or .pbtxt file first');
  return currentModel;
}

const handlers = {
  capabilities,

  // Makes `buffer` the current model and returns its summary. A file that does
  // not parse leaves no model open; a graph that parses but is invalid (an
  // input naming a missing node) stays open, and its error carries the summary.
  async open({ name, buffer }) {
    const api = await loadModule();
    const summarize = requireFunction(api, 'summarize');
    currentModel = null;
    const bytes = new Uint8Array(buffer);
    const started = performance.now();
    try {
      const summary = await summarize(bytes, { name });
      currentModel = { name, bytes };
      return { summary, milliseconds: performance.now() - started };
    } catch (error) {
      if (error?.value !== undefined) currentModel = { name, bytes };
      throw error;
    }
  },

  // The current model re-encoded as 'text' (.pbtxt) or 'binary' (.pb).
  async convert({ format }) {
    const api = await loadModule();
    const convert = requireFunction(api, 'convert');
    const { name, bytes } = requireModel();
    const output = await convert(bytes, format, { name });
    return { buffer: exclusiveBuffer(output), format };
  },
};

// An ArrayBuffer holding exactly `view`'s bytes that can be transferred.
function exclusiveBuffer(view) {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view.buffer;
  return view.slice().buffer;
}

function transferablesOf(result) {
  return Object.values(result ?? {}).filter((value) => value instanceof ArrayBuffer);
}

self.addEventListener('message', async (event) => {
  const { id, method, params } = event.data;
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : null;
  try {
    if (!handler) throw new Error(`the worker has no method '${method}'`);
    const result = await handler(params ?? {}, (progress) => self.postMessage({ id, progress }));
    self.postMessage({ id, ok: true, result }, transferablesOf(result));
  } catch (error) {
    self.postMessage({ id, ok: false, error: describeError(error) });
  }
});

// The module's errors (ModelQuantError) carry a `code` and, when there is still
// a result to show, a `value`; both travel to the page with the message.
function describeError(error) {
  if (error instanceof Error) {
    const description = { message: error.message };
    if (error.code !== undefined) description.code = error.code;
    if (error.value !== undefined) description.value = error.value;
    return description;
  }
  return { message: typeof error === 'string' ? error : `unexpected error: ${String(error)}` };
}
