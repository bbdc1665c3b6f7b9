// The performance table (README "Performance"): whole-process times as
// medians of interleaved runs, so every ratio compares runs made under the
// same machine load. bench/run.sh builds what this needs and calls it.
//
//   node bench/run.mjs --native build/bench --wasm build/wasm/wasm [--runs 5] [--quick] [--no-browser]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { median } from './median.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const nativeDir = resolve(root, option('--native', 'build/bench'));
const wasmDir = resolve(root, option('--wasm', 'build/wasm/wasm'));
const runs = Number(option('--runs', 5));
const quick = args.includes('--quick');
const browser = !args.includes('--no-browser');
const outDir = join(root, 'bench/out');
const haveWasm = existsSync(join(wasmDir, 'modelquant-core.wasm'));
const shared = resolve(root, '../shared/models');
mkdirSync(outDir, { recursive: true });

const modelquant = join(nativeDir, 'native-cli/modelquant');
const floor = join(nativeDir, 'bench/floor_roundtrip');
const started = performance.now();
const log = (message) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}\n`);

// ---------------------------------------------------------------- models
function exampleModel(scale) {
  const path = join(outDir, `example_cnn_${scale}.pb`);
  if (!existsSync(path)) {
    log(`making ${path}`);
    check(spawnSync(modelquant, ['example', '-o', path, '--scale', String(scale)], { encoding: 'utf8' }), 'modelquant example');
  }
  return { name: `example ×${scale}`, path };
}
const models = [];
for (const scale of quick ? [10] : [10, 100, 500]) models.push({ ...exampleModel(scale), scale });
// The recipe's strip_unused_nodes needs a fully known input shape.
for (const [file, shape] of [['npm_nsfwjs_mobilenet_v2_mid.pb', '1,224,224,3'], ['poets_mobilenet_v1_0.25_128_frozen.pb', null]]) {
  const path = join(shared, file);
  if (existsSync(path)) models.push({ name: file.replace(/\.pb$/, ''), path, shape });
  else log(`SKIPPED ${file}: ${shared} is absent`);
}
for (const model of models) model.bytes = statSync(model.path).size;

// ---------------------------------------------------------------- helpers
function check(result, what) {
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr ?? '').slice(0, 2000)}`);
  }
  return result;
}

// Runs a command under /usr/bin/time; wall seconds and peak RSS in bytes.
function timed(command, commandArgs) {
  const t0 = performance.now();
  const result = check(
    spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', command, ...commandArgs], { encoding: 'utf8', maxBuffer: 1 << 26 }),
    `${command} ${commandArgs.join(' ')}`,
  );
  const seconds = (performance.now() - t0) / 1000;
  const rss = Number(/MAXRSS_KB=(\d+)/.exec(result.stderr)[1]) * 1024;
  return { seconds, rss, stdout: result.stdout };
}

// Each program of `programs` runs once to warm the page cache, then `runs`
// times, interleaved: run i of every program happens before run i+1 of any.
function measure(programs) {
  const samples = Object.fromEntries(Object.keys(programs).map((key) => [key, []]));
  for (const [, program] of Object.entries(programs)) program();
  for (let i = 0; i < runs; ++i)
    for (const [key, program] of Object.entries(programs)) samples[key].push(program());
  const summary = {};
  for (const [key, list] of Object.entries(samples)) {
    summary[key] = {
      seconds: median(list.map((s) => s.seconds)),
      rss: Math.max(...list.map((s) => s.rss)),
      heap: list[0].heap,
    };
  }
  return summary;
}

const rows = [];
function row(figure, model, measured, yardstick, ratio, budget, note = '') {
  rows.push({ figure, model, measured, yardstick, ratio, budget, note });
}
const sec = (s) => `${s.toFixed(3)} s`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// ---------------------------------------------------------------- P1–P4 per model
const wasmScript = join(root, 'bench/wasm_transform.mjs');
const peerScript = join(root, 'bench/js_peer/quantize_weights.mjs');
const results = [];
for (const model of models) {
  log(`${model.name} (${mb(model.bytes)})`);
  const out = (tag) => join(outDir, `out_${tag}.pb`);
  const shape = model.shape ? ['--shape', model.shape] : [];
  const wasm = (tag, flag, value) => () => {
    const r = timed('node', [wasmScript, wasmDir, model.path, out(tag), flag, value, ...(flag === '--recipe' ? shape : [])]);
    return { ...r, heap: JSON.parse(r.stdout.trim().split('\n').pop()).heap_bytes };
  };
  const programs = {
    floor: () => timed(floor, [model.path, out('floor')]),
    native_qw: () => timed(modelquant, ['transform', model.path, '-o', out('native_qw'), '--transforms', 'quantize_weights']),
    native_recipe: () =>
      timed(modelquant, ['transform', model.path, '-o', out('native_recipe'), '--recipe', 'optimize_quantize_weights', ...shape]),
    ...(haveWasm
      ? { wasm_qw: wasm('wasm_qw', '--transforms', 'quantize_weights'), wasm_recipe: wasm('wasm_recipe', '--recipe', 'optimize_quantize_weights') }
      : {}),
    peer_qw: () => timed('node', [peerScript, model.path, out('peer_qw')]),
  };
  const m = measure(programs);
  // The wasm module and the JS peer must have written what the native tool wrote.
  const same = (a, b) => readFileSync(out(a)).equals(readFileSync(out(b)));
  if (haveWasm && !same('wasm_qw', 'native_qw')) throw new Error(`${model.name}: wasm quantize_weights output differs from native`);
  if (haveWasm && !same('wasm_recipe', 'native_recipe')) throw new Error(`${model.name}: wasm recipe output differs from native`);
  if (model.bytes < 50e6) {
    check(spawnSync('node', [join(root, 'bench/js_peer/same_graph.mjs'), out('native_qw'), out('peer_qw')], { encoding: 'utf8' }),
      `${model.name}: the JS peer's graph is not the native one`);
  }
  results.push({ model, m });
}

for (const { model, m } of results) {
  row('P1 quantize_weights ÷ floor', model.name, sec(m.native_qw.seconds), sec(m.floor.seconds), m.native_qw.seconds / m.floor.seconds, 1.0);
}
for (const { model, m } of results) {
  row('P1 recipe ÷ floor', model.name, sec(m.native_recipe.seconds), sec(m.floor.seconds), m.native_recipe.seconds / m.floor.seconds, 1.5);
}
if (!haveWasm) row('P2, P3 (wasm), P4 (wasm), P5', '-', 'not measured', '-', NaN, null, `no wasm build in ${wasmDir}`);
for (const { model, m } of haveWasm ? results : []) {
  row('P2 wasm (node) ÷ native, quantize_weights', model.name, sec(m.wasm_qw.seconds), sec(m.native_qw.seconds), m.wasm_qw.seconds / m.native_qw.seconds, 2.0);
  row('P2 wasm (node) ÷ native, recipe', model.name, sec(m.wasm_recipe.seconds), sec(m.native_recipe.seconds), m.wasm_recipe.seconds / m.native_recipe.seconds, 2.0);
}
for (const { model, m } of results) {
  row('P3 native ÷ JS peer (protobufjs)', model.name, sec(m.native_qw.seconds), sec(m.peer_qw.seconds), m.native_qw.seconds / m.peer_qw.seconds, 0.3);
  if (haveWasm) row('P3 wasm (node) ÷ JS peer', model.name, sec(m.wasm_qw.seconds), sec(m.peer_qw.seconds), m.wasm_qw.seconds / m.peer_qw.seconds, 0.5);
}
for (const { model, m } of results) {
  row('P4 native peak RSS ÷ file, recipe', model.name, mb(m.native_recipe.rss), mb(model.bytes), m.native_recipe.rss / model.bytes, 2.0);
  row('P4 JS peer peak RSS ÷ file (for comparison)', model.name, mb(m.peer_qw.rss), mb(model.bytes), m.peer_qw.rss / model.bytes, null);
  if (haveWasm) row('P4 wasm peak heap ÷ file, recipe', model.name, mb(m.wasm_recipe.heap), mb(model.bytes), m.wasm_recipe.heap / model.bytes, 3.0);
}

// ---------------------------------------------------------------- P3 parse alone
const har = join(shared, 'har_lstm.pb');
if (haveWasm && existsSync(har)) {
  log('parse alone: har_lstm');
  const ours = JSON.parse(check(spawnSync('node', [join(root, 'bench/wasm_parse.mjs'), wasmDir, har, '15'], { encoding: 'utf8' }), 'wasm parse').stdout);
  const peer = JSON.parse(check(spawnSync('node', [peerScript, '--decode-only', har, '15'], { encoding: 'utf8' }), 'protobufjs decode').stdout);
  row('P3 parse alone: wasm ÷ protobufjs decode', `har_lstm (${ours.nodes} nodes)`, `${ours.parse_ms.toFixed(2)} ms`, `${peer.decode_ms.toFixed(2)} ms`,
    ours.parse_ms / peer.decode_ms, 0.5, 'in-process, median of 15');
}

// ---------------------------------------------------------------- P5 size
if (haveWasm) {
  const files = ['modelquant-core.wasm', 'modelquant-core.mjs', 'modelquant.mjs'];
  const gz = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(wasmDir, f)), { level: 9 }).length, 0);
  const raw = files.reduce((sum, f) => sum + statSync(join(wasmDir, f)).size, 0);
  row('P5 wasm + JS glue, gzipped', files.join(' + '), `${(gz / 1024).toFixed(0)} KB`, `${(raw / 1024).toFixed(0)} KB raw`, gz / 1024, 600, 'KB, not a ratio');
}

// ---------------------------------------------------------------- P6 run vs TensorFlow.js
{
  log('P6: modelquant run vs TensorFlow.js (wasm backend)');
  const result = spawnSync('node', [join(root, 'bench/tfjs_compare.mjs'), '--native', nativeDir, '--runs', String(runs)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status === 0) {
    for (const line of result.stdout.trim().split('\n')) {
      const r = JSON.parse(line);
      row('P6 modelquant run ÷ TensorFlow.js (tfjs-backend-wasm)', r.model, `${r.ours_ms.toFixed(1)} ms`, `${r.tfjs_ms.toFixed(1)} ms`,
        r.ours_ms / r.tfjs_ms, 1.0, r.note);
    }
  } else {
    row('P6 modelquant run ÷ TensorFlow.js', '-', 'failed', '-', NaN, 1.0, (result.stderr || '').split('\n').slice(-3).join(' '));
  }
}

// ---------------------------------------------------------------- P2 in Chromium
if (browser && haveWasm) {
  log('P2 in Chromium (worker)');
  const result = spawnSync('node', [join(root, 'bench/browser_transform.mjs'), wasmDir, ...results.map((r) => r.model.path)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status === 0) {
    const byPath = new Map(results.map((r) => [r.model.path, r]));
    // One JSON line per model.
    for (const line of result.stdout.trim().split('\n')) {
      const r = JSON.parse(line);
      const native = byPath.get(r.path).m.native_qw.seconds;
      row('P2 wasm (Chromium worker) ÷ native, quantize_weights', byPath.get(r.path).model.name, sec(r.seconds), sec(native),
        r.seconds / native, 2.0, 'in-page: bytes in → bytes out');
    }
  } else {
    row('P2 wasm (Chromium worker) ÷ native', '-', 'failed', '-', NaN, 2.0, (result.stderr || '').split('\n').slice(-3).join(' '));
  }
}

// ---------------------------------------------------------------- scaling
{
  const examples = results.filter((r) => r.model.scale);
  const base = examples.find((r) => r.model.scale === 100) ?? examples[0];
  for (const r of examples) {
    const timePerMB = r.m.native_recipe.seconds / (r.model.bytes / 1e6);
    const basePerMB = base.m.native_recipe.seconds / (base.model.bytes / 1e6);
    row('Scaling: recipe time per MB ÷ at ×100', r.model.name, `${(timePerMB * 1000).toFixed(2)} ms/MB`, `${(basePerMB * 1000).toFixed(2)} ms/MB`,
      timePerMB / basePerMB, null, 'linear ≈ 1');
  }
  for (const r of examples) {
    row('Scaling: recipe peak RSS ÷ file', r.model.name, mb(r.m.native_recipe.rss), mb(r.model.bytes), r.m.native_recipe.rss / r.model.bytes, null,
      'linear: the same ratio at every size');
  }
}

// ---------------------------------------------------------------- the table
const lines = [];
lines.push(`Machine: ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg()[0].toFixed(1)} at the end; ` +
  `whole-process medians of ${runs} interleaved runs; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
lines.push('');
lines.push('| figure | model | ours | yardstick | ratio | budget | met |');
lines.push('| --- | --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  const ratio = Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '—';
  const met = r.budget === null ? '' : Number.isFinite(r.ratio) && r.ratio <= r.budget ? 'yes' : '**no**';
  const budget = r.budget === null ? '' : `≤ ${r.budget}`;
  lines.push(`| ${r.figure} | ${r.model} | ${r.measured} | ${r.yardstick} | ${ratio} | ${budget} | ${met}${r.note ? ` (${r.note})` : ''} |`);
}
const table = lines.join('\n');
console.log(table);
writeFileSync(join(outDir, 'table.md'), table + '\n');
for (const tag of ['floor', 'native_qw', 'native_recipe', 'wasm_qw', 'wasm_recipe', 'peer_qw']) rmSync(join(outDir, `out_${tag}.pb`), { force: true });
