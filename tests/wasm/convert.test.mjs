// convert(bytes, 'text' | 'binary'): the same bytes as the native
// `modelquant convert`, and a text round trip that gives the graph back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';

import { graphBytes, loadApi, loadSingleFileApi, runNative, sharedModels, tempDir } from './support.mjs';

const { api, mq } = await loadApi();

test('every shared model converts to the bytes the native CLI writes, in both formats', async (t) => {
  const dir = tempDir(t);
  for (const path of sharedModels(t)) {
    const bytes = readFileSync(path);
    for (const format of ['binary', 'text']) {
      const out = join(dir, `${basename(path)}.${format}`);
      const native = runNative(['convert', path, out, '--to', format]);
      assert.equal(native.status, 0, `${path} → ${format}: ${native.stderr}`);
      const converted = await mq.convert(bytes, format, { name: path });
      assert.ok(converted instanceof Uint8Array, 'convert returns a Uint8Array');
      assert.ok(Buffer.from(converted).equals(readFileSync(out)), `${path} → ${format}: bytes differ from the CLI's`);
    }
  }
});

test('text and back gives the same binary graph', async (t) => {
  for (const path of sharedModels(t)) {
    const binary = await mq.convert(readFileSync(path), 'binary', { name: path });
    const text = await mq.convert(binary, 'text');
    assert.ok(text.length > 0);
    assert.ok(Buffer.from(await mq.convert(text, 'binary')).equals(Buffer.from(binary)), `${path}: text round trip changed the graph`);
  }
});

test('a hand-made graph round-trips through text', async () => {
  const bytes = graphBytes([
    { name: 'x', op: 'Placeholder' },
    { name: 'y', op: 'Identity', inputs: ['x', '^x'] },
  ]);
  const text = new TextDecoder().decode(await mq.convert(bytes, 'text'));
  assert.match(text, /name: "y"/);
  assert.match(text, /input: "\^x"/);
  assert.ok(Buffer.from(await mq.convert(new TextEncoder().encode(text), 'binary')).equals(Buffer.from(bytes)));
});

test('input may be a view into a larger buffer (byteOffset honoured)', async () => {
  const bytes = graphBytes([{ name: 'a', op: 'NoOp' }]);
  const padded = new Uint8Array(bytes.length + 7).fill(0xff);
  padded.set(bytes, 5);
  const view = padded.subarray(5, 5 + bytes.length);
  assert.ok(Buffer.from(await mq.convert(view, 'binary')).equals(Buffer.from(bytes)));
});

test('the single-file build gives the same results as the ES module build', async () => {
  const single = await loadSingleFileApi();
  assert.equal(single.version, mq.version);
  const bytes = graphBytes([{ name: 'x', op: 'Placeholder' }, { name: 'y', op: 'Relu', inputs: ['x'] }]);
  for (const format of ['binary', 'text'])
    assert.ok(Buffer.from(await single.convert(bytes, format)).equals(Buffer.from(await mq.convert(bytes, format))));
  await assert.rejects(single.convert(new Uint8Array(), 'text', { name: 'e.pb' }), { message: 'e.pb: the file is empty' });
});

test('an unknown format or a non-bytes input is a ModelQuantError, not a crash', async () => {
  const bytes = graphBytes([{ name: 'a', op: 'NoOp' }]);
  await assert.rejects(mq.convert(bytes, 'xml'), (e) => {
    assert.ok(e instanceof api.ModelQuantError && e instanceof Error);
    assert.equal(e.message, "unknown output format 'xml'; use 'text' or 'binary'");
    assert.equal(e.code, 'invalid_input');
    return true;
  });
  await assert.rejects(mq.convert('not bytes', 'text'), { message: "input must be a Uint8Array of the file's bytes" });
  await assert.rejects(mq.convert(bytes, 'text', { name: 7 }), { message: "option 'name' must be a string" });
  // The module still works afterwards.
  assert.ok((await mq.convert(bytes, 'binary')).length > 0);
});
