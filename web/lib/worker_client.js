// The page's side of the worker protocol: every call is a promise, bytes travel
// as transferred ArrayBuffers (moved, not copied), and the worker can be
// restarted to abandon work in progress.
//
// Protocol (see worker.js for the other side):
//   page → worker   { id, method, params }          params may hold ArrayBuffers, listed as transferables
//   worker → page   { id, progress }                 zero or more, before the answer
//                   { id, ok: true, result }         ArrayBuffers inside result are transferred
//                   { id, ok: false, error: { message, code?, value? } }
//                   (`value`: a result that is still worth showing despite the error)

export class WorkerCallError extends Error {
  constructor({ message, code, value }, method) {
    super(message);
    this.name = 'WorkerCallError';
    this.method = method;
    this.code = code;
    this.value = value;
  }
}

export class ModelWorker {
  #createWorker;
  #worker = null;
  #nextId = 1;
  #pending = new Map(); // id → { resolve, reject, onProgress, method }

  // `createWorker` makes a new Worker (see worker_source.js); by default the
  // module worker worker.js beside this folder.
  constructor(createWorker = () => new Worker(new URL('../worker.js', import.meta.url), { type: 'module' })) {
    this.#createWorker = createWorker;
    this.#start();
  }

  // Calls `method` in the worker. `transfer` lists ArrayBuffers of `params` to
  // move to the worker (they become empty here); `onProgress` receives the
  // worker's progress reports for this call.
  request(method, params = {}, { transfer = [], onProgress = null } = {}) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress, method });
      try {
        this.#worker.postMessage({ id, method, params }, transfer);
      } catch (error) {
        this.#pending.delete(id);
        reject(new WorkerCallError({ message: `could not send the request to the worker: ${error.message}` }, method));
      }
    });
  }

  // Stops the worker (abandoning every call in progress, which rejects with
  // `reason`) and starts a fresh one. The fresh worker holds no model.
  // Those calls reject with code 'cancelled'.
  restart(reason = 'the operation was cancelled') {
    this.#worker.terminate();
    this.#failAll(reason, 'cancelled');
    this.#start();
  }

  // Stops the worker for good (a <model-quantizer> removed from its page).
  terminate() {
    this.#worker.terminate();
    this.#failAll('the worker was stopped', 'cancelled');
  }

  #start() {
    this.#worker = this.#createWorker();
    this.#worker.addEventListener('message', (event) => this.#onMessage(event.data));
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#failAll(`the background worker failed: ${event.message || 'its script could not be loaded'}`);
    });
    this.#worker.addEventListener('messageerror', () => {
      this.#failAll('the background worker sent a message that could not be read');
    });
  }

  #onMessage(message) {
    const call = this.#pending.get(message.id);
    if (!call) return;
    if ('progress' in message) {
      call.onProgress?.(message.progress);
      return;
    }
    this.#pending.delete(message.id);
    if (message.ok) call.resolve(message.result);
    else call.reject(new WorkerCallError(message.error ?? { message: 'unknown error' }, call.method));
  }

  #failAll(reason, code = 'internal') {
    for (const [id, call] of this.#pending) {
      this.#pending.delete(id);
      call.reject(new WorkerCallError({ message: reason, code }, call.method));
    }
  }
}
