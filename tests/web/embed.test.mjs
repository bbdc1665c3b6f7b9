// Embedding: the <model-quantizer> element on the example documentation page
// (a model card and the whole tool with a recipe chosen), and the page's URL
// form (?url=…&recipe=…), which opens models of its own site only.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { formatCount } from '../../web/lib/format.js';
import {
  REPO_ROOT, downloadedBytes, foreignRequests, moduleSummary, nativeCli, openPage, runShownCommand, screenshot,
  startSession,
} from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

const EXAMPLE_MODEL = path.join(REPO_ROOT, 'web', 'examples', 'models', 'example_cnn.pb');

function checkExampleModel() {
  if (!existsSync(EXAMPLE_MODEL)) throw new Error(`${EXAMPLE_MODEL} is missing: run scripts/build_web.sh`);
}

// Opens a page that is not the tool's own page, recording requests like openPage.
async function openDocsPage(pathAndQuery, options = {}) {
  return openPage(session, { ...options, path: pathAndQuery, waitForReady: false });
}

test('the documentation page\'s <model-quantizer mode="summary"> renders the model card', async () => {
  checkExampleModel();
  const { page, requests, problems, context } = await openDocsPage('examples/docs.html');
  const card = page.locator('#model-card');
  await card.locator('#summary-heading').waitFor({ timeout: 60_000 });
  const expected = await moduleSummary(EXAMPLE_MODEL);
  assert.equal(await card.locator('#summary-heading').textContent(), 'Summary of example_cnn.pb');
  assert.equal(await card.locator('[data-fact="node-count"]').textContent(), formatCount(expected.node_count));
  const inputs = await card.locator('[data-part="inputs"] tbody tr td:first-child').allTextContents();
  assert.deepEqual(inputs, expected.inputs.map((input) => input.name));
  // Read-only: no picker, no transforms, no shape fields.
  assert.ok(await card.locator('#drop-zone').isHidden());
  assert.ok(await card.locator('#optimize').isHidden());
  assert.equal(await card.locator('.shape-input').count(), 0);

  // The second element is the whole tool with its recipe chosen.
  const tool = page.locator('#model-tool');
  await tool.locator('#summary-heading').waitFor({ timeout: 60_000 });
  assert.ok(await tool.locator('#recipe-optimize_quantize_weights').isChecked());
  assert.ok(await tool.locator('#run-button').isVisible());
  await screenshot(page, 'docs-page');
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the tool inside <model-quantizer> runs its recipe and downloads the CLI\'s bytes', async (t) => {
  checkExampleModel();
  if (!nativeCli('the embedded tool compared with the native CLI')) return t.skip('no native CLI');
  const { page, requests, problems, context } = await openDocsPage('examples/docs.html');
  const tool = page.locator('#model-tool');
  await tool.locator('#summary-heading').waitFor({ timeout: 60_000 });
  const shown = await tool.locator('#command-line').textContent();
  assert.match(shown, /^modelquant transform example_cnn\.pb -o example_cnn_quantized\.pb --recipe optimize_quantize_weights/);
  await tool.locator('#run-button').click();
  await tool.locator('#transform-result').waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), tool.locator('#download-binary').click()]);
  assert.equal(download.suggestedFilename(), 'example_cnn_quantized.pb');
  const bytes = await downloadedBytes(download);
  assert.ok(bytes.equals((await runShownCommand(shown, EXAMPLE_MODEL)).bytes));
  // The model card next to it is untouched.
  assert.ok(await page.locator('#model-card').locator('#transform-result').isHidden());
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page\'s URL form opens a model of its own site with the recipe chosen, and runs it with run=1', async () => {
  checkExampleModel();
  const { page, requests, problems, context } = await openPage(session,
    { path: '?url=examples/models/example_cnn.pb&recipe=fix_missing_kernel_errors' });
  await page.waitForSelector('#result:not([hidden])', { timeout: 60_000 });
  assert.equal(await page.textContent('#summary-heading'), 'Summary of example_cnn.pb');
  assert.ok(await page.isChecked('#recipe-fix_missing_kernel_errors'));
  assert.match(await page.textContent('#command-line'), /--recipe fix_missing_kernel_errors/);
  assert.ok(requests.some((url) => url.endsWith('/examples/models/example_cnn.pb')));
  await context.close();

  const second = await openPage(session, { path: '?url=examples/models/example_cnn.pb&recipe=optimize_quantize_weights&run=1' });
  await second.page.waitForSelector('#transform-result:not([hidden])', { timeout: 60_000 });
  assert.match(await second.page.textContent('#status'), /^Done: example_cnn_quantized\.pb is /);
  await screenshot(second.page, 'url-form-run');
  assert.deepEqual(foreignRequests([...requests, ...second.requests], session.origin), []);
  assert.deepEqual([...problems, ...second.problems], []);
  await second.context.close();
});

test('the URL form refuses a model on another site without contacting it', async () => {
  const { page, requests, context } = await openPage(session, { path: '?url=http://127.0.0.2:9/model.pb' });
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'),
    `http://127.0.0.2:9/model.pb is on another site (http://127.0.0.2:9); only models from ${session.origin} can be opened by URL`);
  assert.deepEqual(requests.filter((url) => url.includes('127.0.0.2')), []);
  await context.close();

  const missing = await openPage(session, { path: '?url=examples/models/no_such_model.pb' });
  await missing.page.waitForSelector('#error:not([hidden])');
  assert.match(await missing.page.textContent('#error'), /^no_such_model\.pb: could not download \/examples\/models\/no_such_model\.pb: the server answered 404/);
  await missing.context.close();
});
