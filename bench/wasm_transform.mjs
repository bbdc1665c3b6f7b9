// One whole-process run of the wasm module in Node.js, the counterpart of
// `modelquant transform IN -o OUT ...`: load the module, read the file, run
// the transforms, write the result. Prints {"heap_bytes": …} (the size of the
// wasm memory afterwards, which only grows, so it is the peak heap).
//
//   node bench/wasm_transform.mjs WASM_DIR IN OUT (--transforms 'quantize_weights' | --recipe NAME [--shape 1,224,224,3])
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [wasmDir, input, output, flag, value, shapeFlag, shape] = process.argv.slice(2);
if (!wasmDir || !input || !output || !['--transforms', '--recipe'].includes(flag) || !value) {
  console.error("usage: wasm_transform.mjs WASM_DIR IN OUT (--transforms '...' | --recipe NAME)");
  process.exit(2);
}
const dir = resolve(wasmDir);
const createCore = (await import(pathToFileURL(`${dir}/modelquant-core.mjs`).href)).default;
const { wrapCore } = await import(pathToFileURL(`${dir}/modelquant.mjs`).href);
const core = await createCore({ wasmBinary: readFileSync(`${dir}/modelquant-core.wasm`) });
const modelquant = wrapCore(core);

const options = flag === '--recipe' ? { recipe: value, ...(shapeFlag === '--shape' ? { shape } : {}) } : { transforms: value };
let bytes = readFileSync(input);
const result = await modelquant.transform(bytes, { ...options, name: input });
bytes = null;
writeFileSync(output, result.bytes);
console.log(JSON.stringify({ heap_bytes: core.HEAP8.length }));
