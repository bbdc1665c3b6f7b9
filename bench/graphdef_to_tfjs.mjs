// Turns a frozen GraphDef into a TensorFlow.js graph model (model.json +
// one weight shard), the way tensorflowjs_converter lays it out: the
// topology is the GraphDef in protobuf's JSON form (camelCase fields, enum
// names, base64 bytes, int64 as strings) with every Const's value moved into
// the weights manifest. Used by bench/tfjs_compare.mjs to run our models in
// TensorFlow.js.
//
//   node bench/graphdef_to_tfjs.mjs MODEL.pb OUT_DIR   → OUT_DIR/model.json, OUT_DIR/group1-shard1of1.bin
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const schema = fileURLToPath(new URL('../core/proto/graph.proto', import.meta.url));
const root = protobuf.loadSync(schema);
const GraphDef = root.lookupType('tensorflow.GraphDef');
const DataType = root.lookupEnum('tensorflow.DataType').values;

// TensorFlow dtype → tfjs weight dtype and the typed array holding it.
const weightTypes = {
  [DataType.DT_FLOAT]: { dtype: 'float32', Array: Float32Array, field: 'floatVal' },
  [DataType.DT_INT32]: { dtype: 'int32', Array: Int32Array, field: 'intVal' },
  [DataType.DT_INT64]: { dtype: 'int32', Array: Int32Array, field: 'int64Val', narrow: true },  // tfjs has no int64
  [DataType.DT_BOOL]: { dtype: 'bool', Array: Uint8Array, field: 'boolVal' },
};

function shapeOf(tensor) {
  return (tensor.tensorShape?.dim ?? []).map((d) => Number(d.size));
}

function constValues(node, tensor) {
  const type = weightTypes[tensor.dtype];
  if (!type) throw new Error(`Const '${node.name}' has dtype ${tensor.dtype}, which this converter does not handle`);
  const shape = shapeOf(tensor);
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new type.Array(count);
  const content = tensor.tensorContent;
  if (content && content.length > 0) {
    const bytes = new Uint8Array(content);  // aligned copy
    if (tensor.dtype === DataType.DT_INT64) {
      const wide = new BigInt64Array(bytes.buffer, 0, count);
      for (let i = 0; i < count; ++i) values[i] = Number(wide[i]);
    } else if (tensor.dtype === DataType.DT_BOOL) {
      for (let i = 0; i < count; ++i) values[i] = bytes[i] ? 1 : 0;
    } else {
      values.set(new type.Array(bytes.buffer, 0, count));
    }
  } else {
    const list = tensor[type.field] ?? [];
    for (let i = 0; i < count && list.length > 0; ++i) values[i] = Number(list[Math.min(i, list.length - 1)]);
  }
  return { spec: { name: node.name, shape, dtype: type.dtype }, bytes: new Uint8Array(values.buffer) };
}

export function graphModelArtifacts(bytes) {
  const graph = GraphDef.decode(bytes);
  const weightSpecs = [];
  const chunks = [];
  for (const node of graph.node) {
    if (node.op !== 'Const') continue;
    const tensor = node.attr.value.tensor;
    const { spec, bytes: data } = constValues(node, tensor);
    weightSpecs.push(spec);
    chunks.push(data);
    // The topology keeps the Const with its dtype and shape only.
    node.attr.value.tensor = { dtype: tensor.dtype, tensorShape: tensor.tensorShape };
    if (tensor.dtype === DataType.DT_INT64) {
      node.attr.dtype = { type: DataType.DT_INT32 };
      node.attr.value.tensor.dtype = DataType.DT_INT32;
    }
  }
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, offset);
    offset += chunk.length;
  }
  const modelTopology = GraphDef.toObject(graph, { enums: String, longs: String, bytes: String, defaults: false });
  modelTopology.versions ??= {};  // tfjs reads versions.producer
  return { format: 'graph-model', modelTopology, weightSpecs, weightData: weightData.buffer };
}

export function writeGraphModel(bytes, outDir) {
  const artifacts = graphModelArtifacts(bytes);
  mkdirSync(outDir, { recursive: true });
  const shard = 'group1-shard1of1.bin';
  writeFileSync(join(outDir, shard), new Uint8Array(artifacts.weightData));
  writeFileSync(
    join(outDir, 'model.json'),
    JSON.stringify({
      format: 'graph-model',
      generatedBy: 'ModelQuantization bench/graphdef_to_tfjs.mjs',
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }],
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [model, outDir] = process.argv.slice(2);
  if (!model || !outDir) {
    console.error('usage: graphdef_to_tfjs.mjs MODEL.pb OUT_DIR');
    process.exit(2);
  }
  writeGraphModel(readFileSync(model), outDir);
}
