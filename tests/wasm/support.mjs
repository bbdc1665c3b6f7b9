// Shared by the node tests of the wasm module: where the build, the native CLI
// and the shared models are; loading both wasm builds; running the native CLI;
// hand-made GraphDef bytes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = fileURLToPath(new URL('../..', import.meta.url));
// build/wasm/wasm: modelquant.mjs, modelquant-core.{mjs,wasm}, modelquant-single.mjs
export const wasmDir = process.env.MQ_WASM_DIR ?? join(repoDir, 'build/wasm/wasm');
export const nativeCli = process.env.MQ_NATIVE_CLI ?? join(repoDir, 'build/native/native-cli/modelquant');
export const sharedDir = process.env.MQ_SHARED_DIR ?? join(repoDir, '../shared');

// The JS API over the ES module build, and over the single-file build.
export async function loadApi() {
  const api = await import(join(wasmDir, 'modelquant.mjs'));
  return { api, mq: await api.loadModelQuant() };
}
export async function loadSingleFileApi() {
  const api = await import(join(wasmDir, 'modelquant.mjs'));
  const factory = (await import(join(wasmDir, 'modelquant-single.mjs'))).default;
  return api.loadModelQuant({ factory });
}

// The .pb files of shared/models, sorted. When shared/ is absent: prints a
// SKIPPED line, marks the test skipped (node --test reports it) and returns [].
export function sharedModels(t) {
  const modelsDir = join(sharedDir, 'models');
  if (!existsSync(modelsDir)) {
    const why = `${modelsDir} does not exist`;
    console.log(`SKIPPED: ${t.name}: ${why}`);
    t.skip(why);
    return [];
  }
  return readdirSync(modelsDir).filter((f) => f.endsWith('.pb')).sort().map((f) => join(modelsDir, f));
}

// Runs the native modelquant; it must exist (scripts/test.sh builds it first).
export function runNative(args) {
  if (!existsSync(nativeCli)) throw new Error(`the native CLI ${nativeCli} is missing; build the native preset first`);
  const run = spawnSync(nativeCli, args, { maxBuffer: 1 << 30 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString('utf8') };
}

// The message of "modelquant: error: <message>" on the CLI's stderr.
export function nativeErrorMessage(stderr) {
  const prefix = 'modelquant: error: ';
  const line = stderr.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no "${prefix}" line in the CLI's stderr:\n${stderr}`);
  return line.slice(prefix.length);
}

// A fresh temporary folder, removed when the test ends.
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'mq-wasm-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Protobuf wire format, enough for small GraphDefs: nodes with name, op and
// inputs (GraphDef.node = 1; NodeDef.name = 1, op = 2, input = 3).
function varint(n) {
  const out = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}
function lengthDelimited(field, bytes) {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}
function text(field, s) { return lengthDelimited(field, [...new TextEncoder().encode(s)]); }
export function graphBytes(nodes) {
  const out = [];
  for (const { name, op, inputs = [] } of nodes) {
    out.push(...lengthDelimited(1, [...text(1, name), ...text(2, op), ...inputs.flatMap((i) => text(3, i))]));
  }
  return new Uint8Array(out);
}

// Deterministic pseudo-random bytes (xorshift32).
export function randomBytes(size, seed) {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
