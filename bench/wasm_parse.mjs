// Parse alone in wasm: the median time of parse(bytes) (copy into wasm
// memory + protobuf-lite parse) over REPEATS calls in one process.
//   node bench/wasm_parse.mjs WASM_DIR MODEL.pb [REPEATS]  → {"nodes", "parse_ms", "runs"}
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { median } from './median.mjs';

const [wasmDir, model, repeatsText] = process.argv.slice(2);
const dir = resolve(wasmDir);
const create = (await import(pathToFileURL(`${dir}/../bench/wasm/wasm_parse_benchmark.mjs`).href)).default;
const module = await create({ wasmBinary: readFileSync(`${dir}/../bench/wasm/wasm_parse_benchmark.wasm`) });
const bytes = readFileSync(model);
const repeats = Number(repeatsText ?? 15);
const times = [];
let nodes = 0;
for (let i = 0; i < repeats; ++i) {
  const started = performance.now();
  nodes = module.parse(bytes);
  times.push(performance.now() - started);
}
if (nodes < 0) throw new Error(`${model} does not parse`);
times.sort((a, b) => a - b);
console.log(JSON.stringify({ nodes, parse_ms: median(times), runs: times }));
