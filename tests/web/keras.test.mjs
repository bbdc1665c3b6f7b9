// Keras files (.h5, .keras) are converted by the module's keras2pb, when the
// module has it, and then summarized like a .pb; without keras2pb the core's
// message says what the file is.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { announceSkip, foreignRequests, moduleError, openPage, sharedDir, startSession, waitForOutcome } from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

test('a Keras .h5 file is converted and summarized when the module has keras2pb', async (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(announceSkip('Keras conversion in the page', 'shared/ is absent'));
  const file = path.join(shared, 'keras', 'face_fer2013.latest.h5');
  const { page, requests, problems, context } = await openPage(session);
  const functions = await page.evaluate(async () => {
    const { ModelWorker } = await import('./lib/worker_client.js');
    const probe = new ModelWorker();
    const { functions: names } = await probe.request('capabilities');
    probe.terminate();
    return names;
  });
  await page.setInputFiles('#file-input', file);
  const outcome = await waitForOutcome(page);
  if (!functions.includes('keras2pb')) {
    announceSkip('Keras conversion in the page', 'this build of the module has no keras2pb');
    assert.equal(outcome, 'error');
    assert.equal(await page.textContent('#error'), await moduleError(file));
    assert.match(await page.textContent('#error'), /HDF5/);
  } else {
    assert.equal(outcome, 'summary', await page.textContent('#error'));
    assert.match(await page.textContent('#status'), /^Converted face_fer2013\.latest\.h5 to face_fer2013\.latest\.pb and summarized it in \d+ ms\.$/);
    assert.equal(await page.textContent('#summary-heading'), 'Summary of face_fer2013.latest.pb');
    assert.match(await page.textContent('#command-line'), /^modelquant transform face_fer2013\.latest\.pb -o face_fer2013\.latest_optimized\.pb/);
  }
  assert.deepEqual(foreignRequests(requests, session.origin), []);
  assert.deepEqual(problems, []);
  await context.close();
});
