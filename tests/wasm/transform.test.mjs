// transform(bytes, options): the same bytes and report as the native
// `modelquant transform … --json`, for every shared model and several
// transform strings; transforms() and recipes() as the CLI lists them; errors
// with the CLI's messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';

import { graphBytes, loadApi, nativeErrorMessage, runNative, sharedModels, tempDir } from './support.mjs';

const { api, mq } = await loadApi();

// The report without what differs between two runs (timings).
function withoutTimings(report) {
  return { ...report, steps: report.steps.map(({ milliseconds, ...step }) => step) };
}

// The module's result is the file the CLI wrote to `out` and the report it
// printed with --json (timings aside).
function assertSameAsNative(result, out, native, what) {
  assert.ok(Buffer.from(result.bytes).equals(readFileSync(out)), `${what}: bytes differ from the CLI's`);
  assert.deepEqual(withoutTimings(result.report), withoutTimings(JSON.parse(native.stdout.toString('utf8'))),
    `${what}: report differs`);
}

const transformStrings = [
  'quantize_weights',
  'quantize_weights(scheme=per_channel_int8, minimum_size=256)',
  'quantize_weights(scheme=float16) round_weights(num_steps=16)',
  'strip_unused_nodes remove_nodes(op=Identity, op=CheckNumerics) sort_by_execution_order',
];

test('every shared model gives the bytes and report of the native CLI', async (t) => {
  const dir = tempDir(t);
  for (const path of sharedModels(t)) {
    const bytes = readFileSync(path);
    for (const transforms of transformStrings) {
      const out = join(dir, `${basename(path)}.out.pb`);
      const native = runNative(['transform', path, '-o', out, '--transforms', transforms, '--json']);
      assert.equal(native.status, 0, `${path} ${transforms}: ${native.stderr}`);
      const result = await mq.transform(bytes, { transforms, name: path });
      assert.ok(result.bytes instanceof Uint8Array);
      assertSameAsNative(result, out, native, `${path} ${transforms}`);
    }
  }
});

// The page promises the download of every recipe is the CLI's file: the
// folding recipes evaluate constants (Rsqrt, Mul, ...), so the module's
// kernels must compute what the native ones do, bit for bit.
test('every recipe on every shared model gives the native CLI\'s bytes, or its message', async (t) => {
  const dir = tempDir(t);
  const { recipes } = await mq.recipes();
  let compared = 0;
  for (const path of sharedModels(t)) {
    const bytes = readFileSync(path);
    for (const { name: recipe } of recipes) {
      const out = join(dir, `${basename(path)}.${recipe}.pb`);
      let native = runNative(['transform', path, '-o', out, '--recipe', recipe, '--json']);
      let options = { recipe, name: path };
      // An input with open sizes needs a shape; the message suggests one.
      const suggested = /pass --shape .*\(e\.g\. --shape ([0-9,]+)\)/.exec(native.stderr.toString('utf8'));
      if (native.status !== 0 && suggested) {
        await assert.rejects(mq.transform(bytes, options), { message: nativeErrorMessage(native.stderr) });
        native = runNative(['transform', path, '-o', out, '--recipe', recipe, '--shape', suggested[1], '--json']);
        options = { ...options, shape: suggested[1] };
      }
      if (native.status !== 0) {
        assert.equal(native.status, 2, `${path} ${recipe}: ${native.stderr}`);
        await assert.rejects(mq.transform(bytes, options), { message: nativeErrorMessage(native.stderr) });
        continue;
      }
      const result = await mq.transform(bytes, options);
      assertSameAsNative(result, out, native, `${path} ${recipe}`);
      compared++;
    }
  }
  console.log(`recipes compared with the CLI byte for byte: ${compared}`);
});

test('given inputs and outputs (array or comma-separated) and text output match the CLI', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'g.pb');
  const bytes = graphBytes([
    { name: 'x', op: 'Placeholder' },
    { name: 'i', op: 'Identity', inputs: ['x'] },
    { name: 'y', op: 'Relu', inputs: ['i'] },
    { name: 'z', op: 'Relu', inputs: ['x'] },
  ]);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, bytes);
  const out = join(dir, 'out.pbtxt');
  const native = runNative(['transform', path, '-o', out, '--inputs', 'x', '--outputs', 'y', '--transforms',
    'strip_unused_nodes remove_nodes(op=Identity)', '--json']);
  assert.equal(native.status, 0, native.stderr);
  for (const outputs of [['y'], 'y']) {
    const result = await mq.transform(bytes, {
      transforms: 'strip_unused_nodes remove_nodes(op=Identity)', inputs: ['x'], outputs, format: 'text', name: path,
    });
    assert.ok(Buffer.from(result.bytes).equals(readFileSync(out)));
    assert.deepEqual(result.report.outputs, ['y']);
    assert.equal(result.report.after.nodes, 2);
  }
});

test('transforms() and recipes() are the tables the CLI prints', async () => {
  const transforms = await mq.transforms();
  assert.deepEqual(transforms, JSON.parse(runNative(['transforms', '--json']).stdout.toString('utf8')));
  const quantize = transforms.transforms.find((entry) => entry.name === 'quantize_weights');
  assert.deepEqual(quantize.parameters.map((p) => p.name), ['minimum_size', 'scheme', 'include', 'exclude']);
  const recipes = await mq.recipes();
  assert.deepEqual(recipes, JSON.parse(runNative(['recipes', '--json']).stdout.toString('utf8')));
  assert.deepEqual(recipes.recipes.map((r) => r.name),
    ['optimizing_for_deployment', 'fix_missing_kernel_errors', 'optimize_quantize_weights']);
});

test('a broken transform string fails with the CLI message and says where', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'g.pb');
  const bytes = graphBytes([{ name: 'x', op: 'Placeholder' }]);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, bytes);
  const transforms = 'quantize_weights(minimum_size = 16)';
  const native = runNative(['transform', path, '-o', join(dir, 'o.pb'), '--transforms', transforms]);
  assert.equal(native.status, 2);
  await assert.rejects(mq.transform(bytes, { transforms, name: path }), (e) => {
    assert.ok(e instanceof api.ModelQuantError);
    assert.equal(e.message, nativeErrorMessage(native.stderr));
    assert.equal(e.code, 'invalid_input');
    assert.deepEqual(e.value, {
      offset: 29, line: 1, column: 30, excerpt: `${transforms}\n${' '.repeat(29)}^`,
    });
    assert.ok(native.stderr.endsWith(`${e.value.excerpt}\n`));
    return true;
  });
});

test('other failures carry the CLI messages', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'g.pb');
  const bytes = graphBytes([{ name: 'x', op: 'Placeholder' }, { name: 'y', op: 'Relu', inputs: ['x'] }]);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, bytes);
  const cases = [
    { options: { transforms: 'fold_everything' }, args: ['--transforms', 'fold_everything'] },
    { options: { transforms: 'quantize_weights(scheme=int4)' }, args: ['--transforms', 'quantize_weights(scheme=int4)'] },
    { options: { transforms: 'remove_device', outputs: ['nowhere'] },
      args: ['--transforms', 'remove_device', '--outputs', 'nowhere'] },
    { options: { recipe: 'optimise' }, args: ['--recipe', 'optimise'] },
    { options: { recipe: 'optimizing_for_deployment' }, args: ['--recipe', 'optimizing_for_deployment'] },
  ];
  for (const { options, args } of cases) {
    const native = runNative(['transform', path, '-o', join(dir, 'o.pb'), ...args]);
    if (native.status === 0) {
      // A recipe that runs once every transform it needs exists.
      const result = await mq.transform(bytes, { ...options, name: path });
      assert.ok(Buffer.from(result.bytes).equals(readFileSync(join(dir, 'o.pb'))));
      continue;
    }
    assert.equal(native.status, 2, `${args}: ${native.stderr}`);
    await assert.rejects(mq.transform(bytes, { ...options, name: path }),
      { message: nativeErrorMessage(native.stderr), code: 'invalid_input' }, args.join(' '));
  }
  await assert.rejects(mq.transform(bytes, {}), { message: 'nothing to do: give a transform string (e.g. quantize_weights) or a recipe' });
  await assert.rejects(mq.transform(bytes, { transforms: 'remove_device', inputs: 7 }),
    { message: "option 'inputs' must be an array of node names or a comma-separated string" });
  await assert.rejects(mq.transform(bytes, { transforms: 'remove_device', format: 'xml' }),
    { message: "unknown output format 'xml'; use 'text' or 'binary'" });
  // The module still works afterwards.
  assert.equal((await mq.transform(bytes, { transforms: 'remove_device' })).report.after.nodes, 2);
});
