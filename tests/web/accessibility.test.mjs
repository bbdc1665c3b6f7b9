// The optimize form and its result for keyboard and screen-reader users, on
// a 360 px screen, and in the dark colour scheme.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { foreignRequests, openModel, openPage, runAndWait, screenshot, startSession, testModel } from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

// Form controls that are shown but have no accessible name.
function unlabelledControls(page) {
  return page.$$eval('input:not([type="file"]), select, textarea, button', (controls) => controls
    .filter((control) => control.offsetParent !== null)
    .filter((control) => !(control.labels?.length || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') ||
      (control.tagName === 'BUTTON' && control.textContent.trim())))
    .map((control) => control.outerHTML.slice(0, 120)));
}

test('the keyboard alone chooses a recipe, runs it and reaches the download', async (t) => {
  const model = testModel('tf2onnx_fc-layers.pb');
  if (!model) return t.skip('no model available');
  const { page, requests, problems, context } = await openPage(session);
  await openModel(page, model.path);

  // The first recipe is checked; arrow keys move through the radio group.
  await page.focus('#recipe-optimizing_for_deployment');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.isChecked('#recipe-optimize_quantize_weights'));
  assert.match(await page.textContent('#command-line'), /--recipe optimize_quantize_weights/);
  // Tab on to the Run button, skipping nothing that is not part of the form.
  for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement.id)) !== 'run-button'; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#transform-result:not([hidden])', { timeout: 60_000 });
  for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement.id)) !== 'download-binary'; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'download-binary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(download.suggestedFilename(), 'tf2onnx_fc-layers_quantized.pb');
  assert.deepEqual(await unlabelledControls(page), []);
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('every control of the custom list has a label, and a missing list is reported at its picker', async (t) => {
  const model = testModel('mnist_onnx_tf.pb');
  if (!model) return t.skip('no model available');
  const { page, context } = await openPage(session);
  await openModel(page, model.path);
  await page.click('label[for="mode-custom"]');
  await page.click('#run-button');
  assert.equal(await page.textContent('#form-problem'), 'Add at least one transform to the list.');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'transform-picker');
  for (const name of ['strip_unused_nodes', 'quantize_weights', 'fold_constants']) {
    await page.selectOption('#transform-picker', name);
    await page.click('#add-transform');
  }
  assert.deepEqual(await unlabelledControls(page), []);
  // Removing an item keeps the focus in the list.
  await page.locator('#custom-transforms > li').nth(1).getByRole('button', { name: 'Remove' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.dataset.transform), 'fold_constants');
  await context.close();
});

for (const { name, colorScheme, viewport } of [
  { name: 'result-360px', colorScheme: 'light', viewport: { width: 360, height: 740 } },
  { name: 'result-dark', colorScheme: 'dark', viewport: { width: 1100, height: 900 } },
]) {
  test(`the result reads at ${viewport.width} px in the ${colorScheme} scheme without sideways scrolling`, async (t) => {
    const model = testModel('poets_mobilenet_v1_0.25_128_frozen.pb');
    if (!model) return t.skip('no model available');
    const { page, context } = await openPage(session, { colorScheme, viewport });
    await openModel(page, model.path);
    await page.click('label[for="recipe-optimize_quantize_weights"]');
    assert.equal(await runAndWait(page), 'result', await page.textContent('#error'));
    await page.click('#verify-button');
    await page.waitForSelector('[data-fact="verify-verdict"]', { timeout: 120_000 });
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
    }));
    assert.ok(widths.page <= widths.viewport, `page is ${widths.page} px wide in a ${widths.viewport} px viewport`);
    await screenshot(page, name);
    await context.close();
  });
}
