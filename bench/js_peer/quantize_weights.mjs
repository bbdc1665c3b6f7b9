// The JavaScript yardstick: TensorFlow's quantize_weights done the way a web
// developer would do it without our module — protobufjs decodes the GraphDef
// (with our core/proto/graph.proto loaded at run time), plain JS quantizes
// each float Const of at least 1024 elements with the Graph Transform Tool's
// arithmetic (../shared/spec/dequantize-math.md §2, transforms.md
// quantize_weights), protobufjs encodes the result.
//
//   node bench/js_peer/quantize_weights.mjs IN.pb OUT.pb
//   node bench/js_peer/quantize_weights.mjs --decode-only IN.pb [REPEATS]
//        (prints the median in-process decode time in milliseconds, as JSON)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

import { median } from '../median.mjs';

const DT_FLOAT = 1;
const DT_QUINT8 = 12;
const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;
const MINIMUM_SIZE = 1024;

const schema = fileURLToPath(new URL('../../core/proto/graph.proto', import.meta.url));
const GraphDef = protobuf.loadSync(schema).lookupType('tensorflow.GraphDef');

const f32 = Math.fround;
// C's round(): halves away from zero (JS's Math.round sends -2.5 to -2).
const roundHalfAway = (x) => (x < 0 ? -Math.round(-x) : Math.round(x));

function elementCount(shape) {
  let count = 1;
  for (const dim of shape?.dim ?? []) count *= Number(dim.size);
  return count;
}

// The float values of a TensorProto, or null when it is not a plain float tensor.
function floatValues(tensor, count) {
  const content = tensor.tensorContent;
  if (content && content.length > 0) {
    if (content.length !== count * 4) return null;
    // protobufjs hands out a view into the file's buffer; a Float32Array needs
    // 4-byte alignment, so unaligned content is copied first.
    const bytes = content.byteOffset % 4 === 0 ? content : new Uint8Array(content);
    return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  }
  const list = tensor.floatVal ?? [];
  if (list.length === 0) return new Float32Array(count);
  const values = new Float32Array(count);
  for (let i = 0; i < count; ++i) values[i] = list[Math.min(i, list.length - 1)];
  return values;
}

function quantize(values) {
  let min = FLT_MAX;
  let max = FLT_MIN;
  for (let i = 0; i < values.length; ++i) {
    const v = values[i];
    if (v < min) min = v;
    if (max < v) max = v;
  }
  min = Math.min(min, 0);
  max = Math.max(0, max);
  const codes = new Uint8Array(values.length);
  const rangeScale = 256 / (f32(max - min) * (256 / 255));
  const minRounded = roundHalfAway(min * rangeScale);
  for (let i = 0; i < values.length; ++i) {
    const q = roundHalfAway(values[i] * rangeScale) - minRounded;
    codes[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return { codes, min, max };
}

function scalarConst(name, value) {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  return {
    name,
    op: 'Const',
    attr: {
      dtype: { type: DT_FLOAT },
      value: { tensor: { dtype: DT_FLOAT, tensorShape: {}, tensorContent: content } },
    },
  };
}

export function quantizeWeights(bytes) {
  const graph = GraphDef.decode(bytes);
  const nodes = [];
  let quantized = 0;
  for (const node of graph.node) {
    const tensor = node.attr?.value?.tensor;
    if (node.op !== 'Const' || node.attr?.dtype?.type !== DT_FLOAT || !tensor) {
      nodes.push(node);
      continue;
    }
    const count = elementCount(tensor.tensorShape);
    const values = count >= MINIMUM_SIZE ? floatValues(tensor, count) : null;
    if (values === null) {
      nodes.push(node);
      continue;
    }
    const { codes, min, max } = quantize(values);
    const name = node.name;
    nodes.push(
      {
        name: `${name}_quantized_const`,
        op: 'Const',
        attr: {
          dtype: { type: DT_QUINT8 },
          value: { tensor: { dtype: DT_QUINT8, tensorShape: tensor.tensorShape, tensorContent: codes } },
        },
      },
      scalarConst(`${name}_quantized_min`, min),
      scalarConst(`${name}_quantized_max`, max),
      {
        name,
        op: 'Dequantize',
        input: [`${name}_quantized_const`, `${name}_quantized_min`, `${name}_quantized_max`],
        attr: { T: { type: DT_QUINT8 }, mode: { s: new TextEncoder().encode('MIN_FIRST') } },
      },
    );
    ++quantized;
  }
  graph.node = nodes;
  return { bytes: GraphDef.encode(graph).finish(), quantized };
}

export function decodeGraph(bytes) {
  return GraphDef.decode(bytes);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--decode-only') {
    const bytes = readFileSync(args[1]);
    const repeats = Number(args[2] ?? 7);
    const times = [];
    let nodes = 0;
    for (let i = 0; i < repeats; ++i) {
      const started = performance.now();
      nodes = GraphDef.decode(bytes).node.length;
      times.push(performance.now() - started);
    }
    console.log(JSON.stringify({ nodes, decode_ms: median(times), runs: times }));
  } else if (args.length === 2) {
    const { bytes } = quantizeWeights(readFileSync(args[0]));
    writeFileSync(args[1], bytes);
  } else {
    console.error('usage: quantize_weights.mjs IN.pb OUT.pb | --decode-only IN.pb [REPEATS]');
    process.exit(2);
  }
}
