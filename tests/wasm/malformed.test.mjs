// Hostile and broken files through the wasm module (the CLI side is
// tests/cli/malformed_inputs_test.cc): a file that cannot be read rejects
// summarize, convert, transform and run; a graph that reads but is broken
// rejects transform and run; each with a ModelQuantError whose message is the
// one-line message the native CLI prints for the same file. Out of memory is
// a clean Error too, and the module keeps working after every case.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { loadApi, nativeErrorMessage, repoDir, runNative, tempDir } from './support.mjs';

const { api, mq } = await loadApi();
const encoder = new TextEncoder();

// The valid graph the cases start from, as text (edited for the broken
// graphs) and as binary (damaged byte-wise); the CLI's suite uses it too.
const validText = readFileSync(join(repoDir, 'tests/data/malformed/valid.pbtxt'), 'utf8');
const validBytes = await mq.convert(encoder.encode(validText), 'binary');

// Protobuf wire format.
function varint(n) {
  const out = [];
  let value = BigInt(n);
  while (value > 0x7fn) { out.push(Number(value & 0x7fn) | 0x80); value >>= 7n; }
  out.push(Number(value));
  return out;
}
const tag = (field, wireType) => varint((field << 3) | wireType);
const lengthDelimited = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const str = (s) => [...encoder.encode(s)];
const concat = (...parts) => new Uint8Array(parts.flatMap((p) => [...p]));

// Offsets that cut a top-level field (never between two fields).
function offsetsInsideFields(bytes) {
  const boundaries = new Set();
  let pos = 0;
  const read = () => { let v = 0, shift = 0, b; do { b = bytes[pos++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return v; };
  while (pos < bytes.length) {
    boundaries.add(pos);
    read();  // the tag
    const length = read();  // (not `pos += read()`: that adds to pos as it was before the read)
    pos += length;
  }
  return Array.from({ length: bytes.length - 1 }, (_, i) => i + 1).filter((o) => !boundaries.has(o));
}

// AttrValue{func{attr{"a": AttrValue{...}}}} nested `depth` times, built from
// the outside in (each level's bytes precede the level inside it).
function nestedAttrValue(depth) {
  const heads = [];
  let inner = 0;
  for (let level = 0; level < depth; level++) {
    const entryHead = [...lengthDelimited(1, str('a')), ...tag(2, 2), ...varint(inner)];
    const entry = entryHead.length + inner;
    const listHead = [...tag(2, 2), ...varint(entry)];
    const list = listHead.length + entry;
    const valueHead = [...tag(10, 2), ...varint(list)];
    heads.push([...valueHead, ...listHead, ...entryHead]);
    inner = valueHead.length + list;
  }
  const out = new Uint8Array(inner);
  let pos = 0;
  for (let level = depth - 1; level >= 0; level--) { out.set(heads[level], pos); pos += heads[level].length; }
  return out;
}

const unreadable = [
  ['empty file', new Uint8Array()],
  ['a node field with a varint wire type', concat(validBytes, tag(1, 0), varint(1))],
  ['a node whose name is a varint', concat(validBytes, lengthDelimited(1, [...tag(1, 0), ...varint(7), ...lengthDelimited(2, str('Relu'))]))],
  ['a node declaring 4 GiB', concat(validBytes, tag(1, 2), varint(0xffffffff))],
  ['a nested-message bomb (binary, 100000 levels)',
    (() => {
      const value = nestedAttrValue(100000);
      const entry = concat(lengthDelimited(1, str('k')), tag(2, 2), varint(value.length), value);
      const node = concat(lengthDelimited(1, str('bomb')), lengthDelimited(2, str('Const')), tag(5, 2), varint(entry.length), entry);
      return concat(tag(1, 2), varint(node.length), node);
    })()],
  ['a nested-message bomb (text, 100000 levels)', encoder.encode(
    'node { name: "bomb" op: "Const" attr { key: "k" value { ' + 'func { attr { key: "a" value { '.repeat(100000) +
    '} } } '.repeat(100000) + '} } }\n')],
  ['a SavedModel', concat(tag(1, 0), varint(1), lengthDelimited(2, [...lengthDelimited(1, lengthDelimited(4, str('serve'))), ...lengthDelimited(2, validBytes)]))],
  ['a TensorFlow Lite flatbuffer', concat([0x1c, 0, 0, 0], str('TFL3'), new Uint8Array(64))],
  ['an ONNX model', concat(tag(1, 0), varint(7), lengthDelimited(2, str('pytorch')), lengthDelimited(7, lengthDelimited(1, [...lengthDelimited(1, str('x')), ...lengthDelimited(4, str('Relu'))])))],
  ...offsetsInsideFields(validBytes).filter((_, i) => i % 9 === 0).map((o) => [`cut at byte ${o}`, validBytes.slice(0, o)]),
];

// Text edits of the valid graph that read but break it.
const broken = [
  ['duplicate node names', validText + 'node { name: "y" op: "Identity" input: "x" }\n', true],
  ['an input naming a missing node', validText.replace('input: "y"', 'input: "nope"'), true],
  ['a cycle', validText.replace('input: "x" input: "w"', 'input: "out" input: "w"'), true],
  ['tensor_content whose size disagrees with shape and dtype', validText.replace('\\000\\000\\200@"', '\\000\\000\\200"'), true],
  ['a negative dim', validText.replace('tensor_shape { dim { size: 2 }', 'tensor_shape { dim { size: -3 }'), true],
  ['a Const whose dtype its value does not match', validText.replace('attr { key: "dtype" value { type: DT_FLOAT } }\n       attr { key: "value"', 'attr { key: "dtype" value { type: DT_INT32 } }\n       attr { key: "value"'), true],
  ['a string where the op expects a type', validText.replace('input: "y" attr { key: "T" value { type: DT_FLOAT } }', 'input: "y" attr { key: "T" value { s: "float" } }'), true],
  ['an unknown op', validText + 'node { name: "custom" op: "FooBar" input: "out" }\n', false],
];

let cases = 0;
after(() => console.log(`malformed inputs (wasm): ${cases} cases`));

// The CLI's one-line message for `args` on the file at `path`.
function nativeMessage(args) {
  const native = runNative(args);
  assert.equal(native.status, 2, `the CLI should refuse with exit code 2: ${native.stderr}`);
  return nativeErrorMessage(native.stderr);
}

async function rejectsWith(promise, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof api.ModelQuantError && e instanceof Error, `not a ModelQuantError: ${e}`);
    assert.equal(e.message, message);
    assert.notEqual(e.code, 'internal');
    return true;
  });
}

for (const [what, bytes] of unreadable) {
  test(`unreadable: ${what}: every method rejects with the CLI's message`, async (t) => {
    cases++;
    assert.ok(bytes !== undefined);
    const path = join(tempDir(t), 'model.pb');
    writeFileSync(path, bytes);
    const message = nativeMessage(['summarize', path]);
    assert.ok(message.startsWith(`${path}: `), message);
    await rejectsWith(mq.summarize(bytes, { name: path }), message);
    await rejectsWith(mq.convert(bytes, 'text', { name: path }), message);
    await rejectsWith(mq.transform(bytes, { name: path, transforms: 'sort_by_execution_order' }), message);
    await rejectsWith(mq.run(bytes, { name: path }), message);
  });
}

for (const [what, text, transformRefuses] of broken) {
  test(`broken graph: ${what}: ${transformRefuses ? 'transform and run reject' : 'run rejects'} with the CLI's message`, async (t) => {
    cases++;
    const bytes = await mq.convert(encoder.encode(text), 'binary');
    const dir = tempDir(t);
    const path = join(dir, 'model.pb');
    writeFileSync(path, bytes);
    const transformArgs = ['transform', path, '-o', join(dir, 'out.pb'), '--transforms', 'sort_by_execution_order'];
    if (transformRefuses) {
      await rejectsWith(mq.transform(bytes, { name: path, transforms: 'sort_by_execution_order' }), nativeMessage(transformArgs));
    } else {
      assert.equal(runNative(transformArgs).status, 0);
      await mq.transform(bytes, { name: path, transforms: 'sort_by_execution_order' });
    }
    await rejectsWith(mq.run(bytes, { name: path }), nativeMessage(['run', path, '--out-dir', join(dir, 'run')]));
    // summarize reports what it finds; it may fail (a missing input) but cleanly.
    try { await mq.summarize(bytes, { name: path }); } catch (e) { assert.notEqual(e.code, 'internal', e.message); }
  });
}

test('out of memory: a run whose tensors would pass the wasm memory limit is a clean Error', async () => {
  cases++;
  // Fill([65536, 65536, 1024], 1.0): 16 TiB of floats.
  const text = `
node { name: "dims" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
       attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 3 } } int_val: 65536 int_val: 65536 int_val: 1024 } } } }
node { name: "one" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
node { name: "huge" op: "Fill" input: "dims" input: "one" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "out" op: "Neg" input: "huge" attr { key: "T" value { type: DT_FLOAT } } }
`;
  const bytes = await mq.convert(encoder.encode(text), 'binary');
  await assert.rejects(mq.run(bytes, { name: 'huge.pb' }), (e) => {
    assert.ok(e instanceof api.ModelQuantError);
    assert.equal(e.code, 'resource_exhausted');
    assert.match(e.message, /^huge\.pb: node 'huge' \(op Fill\): an output of shape \[65536,65536,1024\] would need 17592186044416 bytes, over the budget of \d+ bytes/);
    return true;
  });
  // A smaller limit of the caller's own.
  await assert.rejects(mq.run(validBytes, { name: 'model.pb', memoryLimit: 8 }), (e) => {
    assert.equal(e.code, 'resource_exhausted');
    assert.match(e.message, /over the budget of 8 bytes/);
    return true;
  });
  // Folding it leaves it alone; a Const whose few values stand for 4 GiB is
  // refused before anything is allocated.
  const folded = await mq.transform(bytes, { transforms: 'fold_constants(ignore_errors=true)', outputs: ['out'] });
  assert.ok(folded.bytes.length > 0);
  const expanding = `
node { name: "big" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 1048576 } dim { size: 1024 } } float_val: 0.5 } } } }
node { name: "out" op: "Neg" input: "big" attr { key: "T" value { type: DT_FLOAT } } }
`;
  const expandingBytes = await mq.convert(encoder.encode(expanding), 'binary');
  await assert.rejects(mq.transform(expandingBytes, { name: 'big.pb', transforms: 'quantize_weights' }), (e) => {
    assert.notEqual(e.code, 'internal', e.message);
    assert.match(e.message, /big/);
    return true;
  });
  await assert.rejects(mq.run(expandingBytes, { name: 'big.pb' }), (e) => {
    assert.equal(e.code, 'resource_exhausted');
    return true;
  });
});

test('after every hostile file the module still works', async () => {
  const summary = await mq.summarize(validBytes);
  assert.equal(summary.node_count, 4);
  const result = await mq.run(validBytes);
  assert.deepEqual(Object.keys(result.outputs), ['out']);
});
