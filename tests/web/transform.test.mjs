// Optimizing and quantizing in the page: each recipe, a list composed in the
// form, a pasted transform string. What the page downloads must be byte for
// byte what the native CLI writes for the command line the page shows.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { formatCount, formatMeasure } from '../../web/lib/format.js';
import {
  downloadedBytes, foreignRequests, loadModuleApi, nativeCli, openModel, openPage, readBytes, runAndWait,
  runShownCommand, screenshot, startSession, testModel,
} from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

const MOBILENET = 'poets_mobilenet_v1_0.25_128_frozen.pb';
const FC_LAYERS = 'tf2onnx_fc-layers.pb';

async function commandLine(page) {
  return page.textContent('#command-line');
}

async function download(page, selector) {
  const [started] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: started.suggestedFilename(), bytes: await downloadedBytes(started) };
}

async function chooseRecipe(page, name) {
  await page.click('label[for="mode-recipe"]');
  await page.click(`label[for="recipe-${name}"]`);
}

// The shown progress: [step, state] for every phase.
function progressSteps(page) {
  return page.$$eval('#progress-steps .step', (steps) => steps.map((step) => [step.dataset.step, step.dataset.state]));
}

// The result facts shown against the CLI's report of the same run.
async function assertResultMatches(page, report) {
  assert.equal(await page.textContent('[data-fact="nodes-before"]'), formatCount(report.before.nodes));
  assert.equal(await page.textContent('[data-fact="nodes-after"]'), formatCount(report.after.nodes));
  const tensorRows = await page.$$eval('[data-part="result-tensors"] tbody tr', (rows) => rows.map((row) => row.cells[0].textContent));
  assert.deepEqual(tensorRows, report.tensors.map((tensor) => tensor.node));
  const stepTexts = await page.$$eval('[data-part="result-steps"] tbody tr td:first-child code', (cells) => cells.map((cell) => cell.textContent));
  assert.deepEqual(stepTexts, report.steps.map((step) => step.text));
}

test('each recipe: the download is byte-identical to the native CLI\'s output for the shown command line', async (t) => {
  const model = testModel(MOBILENET);
  if (!model?.fromShared) return t.skip('needs the shared models');
  if (!nativeCli('recipes compared with the native CLI')) return t.skip('no native CLI');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);
  assert.ok(await page.isVisible('#optimize'), 'the optimize form is offered');
  await screenshot(page, 'optimize-form');

  const recipes = await page.$$eval('#recipe-list input[name="recipe"]', (inputs) => inputs.map((input) => input.value));
  assert.deepEqual(recipes, ['optimizing_for_deployment', 'fix_missing_kernel_errors', 'optimize_quantize_weights']);
  // The shape comes from the model's only input, [1,128,128,3].
  assert.equal(await page.inputValue('#recipe-shape'), '1,128,128,3');

  for (const recipe of recipes) {
    await chooseRecipe(page, recipe);
    const shown = await commandLine(page);
    const base = path.basename(MOBILENET, '.pb');
    const outputName = `${base}_${recipe === 'optimize_quantize_weights' ? 'quantized' : 'optimized'}.pb`;
    assert.equal(shown, `modelquant transform ${MOBILENET} -o ${outputName} --recipe ${recipe} --shape 1,128,128,3`);

    assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
    const steps = await progressSteps(page);
    assert.equal(steps[0][0], 'parse');
    assert.equal(steps.at(-1)[0], 'serialize');
    assert.ok(steps.every(([, state]) => state === 'done'), JSON.stringify(steps));
    if (recipe === 'optimize_quantize_weights') await screenshot(page, 'result-quantized');

    const downloaded = await download(page, '#download-binary');
    assert.equal(downloaded.name, outputName);
    const native = await runShownCommand(shown, model.path);
    assert.ok(downloaded.bytes.equals(native.bytes), `${recipe}: ${downloaded.bytes.length} bytes from the page, ${native.bytes.length} from the CLI`);
    await assertResultMatches(page, native.report);
    assert.equal(native.report.steps.length, steps.length - 2, 'one progress step per transform');
  }
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an input with open sizes: the shape field fills the recipe\'s shape; .pb and .pbtxt downloads match the CLI', async (t) => {
  const model = testModel(FC_LAYERS);
  if (!model?.fromShared) return t.skip('needs the shared models');
  if (!nativeCli('recipes compared with the native CLI')) return t.skip('no native CLI');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);
  // X is float [?,784]: its row has a field, prefilled with 1 for the open size.
  assert.equal(await page.inputValue('.shape-input[data-input-name="X"]'), '1,784');
  assert.equal(await page.inputValue('#recipe-shape'), '1,784');
  await page.fill('.shape-input[data-input-name="X"]', '4,784');
  assert.equal(await page.inputValue('#recipe-shape'), '4,784', 'the recipe follows the Inputs table');

  await chooseRecipe(page, 'optimize_quantize_weights');
  const shown = await commandLine(page);
  assert.match(shown, /--recipe optimize_quantize_weights --shape 4,784$/);
  assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
  const binary = await download(page, '#download-binary');
  assert.equal(binary.name, 'tf2onnx_fc-layers_quantized.pb');
  const native = await runShownCommand(shown, model.path);
  assert.ok(binary.bytes.equals(native.bytes));
  await assertResultMatches(page, native.report);
  assert.ok(native.report.tensors.length > 0, 'quantize_weights re-encoded tensors');
  // The size bars: before is the file, after the download.
  const sizes = await page.$$eval('[data-part="result-sizes"] .bar-row .bar-label', (labels) => labels.map((label) => label.textContent));
  assert.deepEqual(sizes, ['Before: tf2onnx_fc-layers.pb', 'After: tf2onnx_fc-layers_quantized.pb']);
  assert.ok(binary.bytes.length < readBytes(model.path).length / 3, 'about 4x smaller');

  const text = await download(page, '#download-text');
  assert.equal(text.name, 'tf2onnx_fc-layers_quantized.pbtxt');
  const nativeText = await runShownCommand(shown, model.path, { outputName: text.name });
  assert.ok(text.bytes.equals(nativeText.bytes), 'the .pbtxt download is the CLI\'s text output');
  assert.match(text.bytes.toString('utf8'), /^node \{/);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a list composed in the form, reordered with the keyboard, runs like its transform string on the CLI', async (t) => {
  const model = testModel(MOBILENET);
  if (!model?.fromShared) return t.skip('needs the shared models');
  if (!nativeCli('custom transform list compared with the native CLI')) return t.skip('no native CLI');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);
  await page.click('label[for="mode-custom"]');
  assert.ok(await page.isVisible('#custom-panel'));
  assert.ok(!(await page.isVisible('#recipe-panel')));

  // Every transform of the module's registry can be picked.
  const registry = await (await loadModuleApi()).transforms();
  const offered = await page.$$eval('#transform-picker option', (options) => options.map((option) => option.value));
  assert.deepEqual(offered, registry.transforms.map((transform) => transform.name));

  const add = async (name) => {
    await page.selectOption('#transform-picker', name);
    await page.click('#add-transform');
    return page.locator(`#custom-transforms > li[data-transform="${name}"]`).last();
  };
  const quantize = await add('quantize_weights');
  const remove = await add('remove_nodes');
  const fold = await add('fold_constants');
  // Each parameter is a labelled field with its default and help.
  const quantizeParameters = registry.transforms.find((transform) => transform.name === 'quantize_weights').parameters;
  for (const parameter of quantizeParameters.filter((p) => p.type !== 'bool' && p.type !== 'string-list')) {
    const field = quantize.getByLabel(parameter.name, { exact: false }).first();
    assert.equal(await field.inputValue(), parameter.default, `${parameter.name} starts at its default`);
  }
  await quantize.getByLabel('minimum_size', { exact: false }).fill('512');
  await remove.getByLabel('op', { exact: false }).first().fill('Identity\nCheckNumerics');
  await fold.getByLabel('ignore_errors', { exact: false }).check();
  // quantize_weights goes last: focus its "Move down" button and press Enter twice.
  await quantize.getByRole('button', { name: 'Move down' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  const order = await page.$$eval('#custom-transforms > li', (items) => items.map((item) => item.dataset.transform));
  assert.deepEqual(order, ['remove_nodes', 'fold_constants', 'quantize_weights']);
  await screenshot(page, 'custom-list');

  const shown = await commandLine(page);
  assert.equal(shown, `modelquant transform ${MOBILENET} -o ${path.basename(MOBILENET, '.pb')}_quantized.pb ` +
    "--transforms 'remove_nodes(op=Identity, op=CheckNumerics) fold_constants(ignore_errors=true) quantize_weights(minimum_size=512)'");
  assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
  const downloaded = await download(page, '#download-binary');
  const native = await runShownCommand(shown, model.path);
  assert.ok(downloaded.bytes.equals(native.bytes));
  await assertResultMatches(page, native.report);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pasted transform string runs like the CLI; a malformed one shows where it goes wrong', async (t) => {
  const model = testModel(FC_LAYERS);
  if (!model?.fromShared) return t.skip('needs the shared models');
  if (!nativeCli('transform string compared with the native CLI')) return t.skip('no native CLI');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);
  await page.click('label[for="mode-string"]');
  const transforms = 'strip_unused_nodes(type=float, shape="1,784") fold_constants(ignore_errors=true) round_weights(num_steps=16)';
  await page.fill('#transform-string', transforms);
  const shown = await commandLine(page);
  assert.equal(shown, `modelquant transform ${FC_LAYERS} -o tf2onnx_fc-layers_quantized.pb --transforms '${transforms}'`);
  assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
  const downloaded = await download(page, '#download-binary');
  const native = await runShownCommand(shown, model.path);
  assert.ok(downloaded.bytes.equals(native.bytes));
  await assertResultMatches(page, native.report);

  await page.fill('#transform-string', 'fold_constants(ignore_errors =true)');
  assert.equal(await runAndWait(page), 'error');
  const message = await page.textContent('#error');
  assert.match(message, /^--transforms /);
  assert.match(message, /\n\s*\^$/, 'a caret points at the problem');
  await screenshot(page, 'error-transform-string');

  // An unknown transform is the core's error too.
  await page.fill('#transform-string', 'no_such_transform');
  assert.equal(await runAndWait(page), 'error');
  assert.match(await page.textContent('#error'), /no_such_transform/);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('verify runs the original and the result on the same inputs and shows the module\'s max error per output', async (t) => {
  const model = testModel(MOBILENET);
  if (!model?.fromShared) return t.skip('needs the shared models');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);
  await chooseRecipe(page, 'optimize_quantize_weights');
  assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
  assert.ok(await page.isVisible('#verify-button'), 'the module has compare, so verify is offered');
  const downloaded = await download(page, '#download-binary');
  await page.click('#verify-button');
  await page.waitForSelector('[data-fact="verify-verdict"]', { timeout: 120_000 });
  const rows = await page.$$eval('#verify-result tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((cell) => cell.textContent)));

  const api = await loadModuleApi();
  const comparison = await api.compare(new Uint8Array(readBytes(model.path)), new Uint8Array(downloaded.bytes),
    { outputs: ['MobilenetV1/Predictions/Reshape_1'], seed: 1 });
  assert.deepEqual(rows.map((row) => row[0]), comparison.outputs.map((output) => output.name));
  assert.deepEqual(rows.map((row) => row[2]), comparison.outputs.map((output) => formatMeasure(output.max_abs_error)));
  assert.ok(comparison.outputs[0].max_abs_error > 0, 'quantized weights change the output a little');
  assert.ok(comparison.outputs[0].max_abs_error < 0.2, 'but not much');
  await screenshot(page, 'verify');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});
