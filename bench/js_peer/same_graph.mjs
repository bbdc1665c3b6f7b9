// Checks that two GraphDef files hold the same graph: the same nodes in the
// same order (name, op, inputs, device) with the same attrs, compared after
// decoding, so field order and map order do not matter. The benchmark uses it
// to show that the JavaScript yardstick and the wasm module wrote what the
// native tool wrote.
//
//   node bench/js_peer/same_graph.mjs A.pb B.pb     exit 0 when equal, 1 with the first difference
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const schema = fileURLToPath(new URL('../../core/proto/graph.proto', import.meta.url));
const GraphDef = protobuf.loadSync(schema).lookupType('tensorflow.GraphDef');

function plain(message) {
  return GraphDef.toObject(message, { longs: String, bytes: String, defaults: false, arrays: false, objects: false });
}

function sortedKeys(value) {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedKeys(value[key]);
    return out;
  }
  return value;
}

const [pathA, pathB] = process.argv.slice(2);
if (!pathA || !pathB) {
  console.error('usage: same_graph.mjs A.pb B.pb');
  process.exit(2);
}
const a = plain(GraphDef.decode(readFileSync(pathA))).node ?? [];
const b = plain(GraphDef.decode(readFileSync(pathB))).node ?? [];
if (a.length !== b.length) {
  console.error(`${pathA} has ${a.length} nodes, ${pathB} has ${b.length}`);
  process.exit(1);
}
for (let i = 0; i < a.length; ++i) {
  const left = JSON.stringify(sortedKeys(a[i]));
  const right = JSON.stringify(sortedKeys(b[i]));
  if (left !== right) {
    console.error(`node #${i} ('${a[i].name}') differs:\n  ${left.slice(0, 300)}\n  ${right.slice(0, 300)}`);
    process.exit(1);
  }
}
console.log(`same graph: ${a.length} nodes`);
