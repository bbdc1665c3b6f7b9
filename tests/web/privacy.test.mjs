// A dropped model's bytes never leave the machine: while the page loads,
// summarizes a model and shows the result, every request it and its worker
// make goes to the page's own origin, is a GET (or HEAD) without a body, and
// carries nothing of the model (not its name, not its bytes). And the
// Content-Security-Policy would stop a request elsewhere even if a script
// tried: fetch, sendBeacon, an image and a form post to another origin are
// all refused, in the page and in its worker.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';

import { openPage, readBytes, startSession, testModel, waitForOutcome } from './support.mjs';

let session;
before(async () => { session = await startSession(); });
after(async () => { await session?.close(); });

// Another origin on the loopback address (a port nothing listens on): the
// requests below must never be sent to it.
const OTHER_ORIGIN = 'http://127.0.0.1:9';

// Records every request of a context with what it would send.
function recordRequests(context) {
  const seen = [];
  context.on('request', (request) => {
    seen.push({
      url: request.url(),
      method: request.method(),
      body: request.postDataBuffer(),
      type: request.resourceType(),
    });
  });
  return seen;
}

test('summarizing a dropped model sends nothing of it anywhere', async (t) => {
  const model = testModel('mnist_onnx_tf.pb');
  if (!model) return t.skip('no model available');
  let requests;
  const { page, problems, context } = await openPage(session, {
    prepare: async (ctx) => { requests = recordRequests(ctx); },
  });
  const beforeDrop = requests.length;
  assert.ok(beforeDrop > 0, 'the page load itself is recorded');

  const bytes = readBytes(model.path);
  const transfer = await page.evaluateHandle(({ base64, name }) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    return data;
  }, { base64: bytes.toString('base64'), name: path.basename(model.path) });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
  assert.equal(await waitForOutcome(page), 'summary', await page.textContent('#error'));
  // Let anything the page would send after showing the result go out.
  await page.waitForTimeout(500);

  console.log(`privacy: ${requests.length} requests (${requests.length - beforeDrop} after the drop), ` +
    `${bytes.length} model bytes`);
  const name = path.basename(model.path, '.pb');
  const sample = bytes.subarray(Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 16).toString('hex');
  for (const request of requests) {
    if (/^(data|blob):/.test(request.url)) continue;
    assert.equal(new URL(request.url).origin, session.origin, `a request left the origin: ${request.url}`);
    assert.ok(['GET', 'HEAD'].includes(request.method), `${request.method} ${request.url}`);
    assert.equal(request.body, null, `${request.url} carries a body`);
    assert.ok(!request.url.includes(name), `${request.url} names the model`);
    assert.ok(!request.url.includes(sample), `${request.url} carries model bytes`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Content-Security-Policy refuses requests to another origin from the page and its worker', async () => {
  let requests;
  const { page, context } = await openPage(session, {
    prepare: async (ctx) => { requests = recordRequests(ctx); },
  });
  const fromPage = await page.evaluate(async (other) => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    const outcomes = {};
    try {
      await fetch(`${other}/upload`, { method: 'POST', body: 'model bytes' });
      outcomes.fetch = 'sent';
    } catch (error) {
      outcomes.fetch = 'refused';
    }
    try {
      outcomes.beacon = navigator.sendBeacon(`${other}/beacon`, 'model bytes') ? 'queued' : 'refused';
    } catch (error) {
      outcomes.beacon = 'refused';
    }
    const image = new Image();
    image.src = `${other}/pixel.png?model`;
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = `${other}/form`;
    form.target = 'nowhere';
    document.body.append(form);
    form.submit();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { outcomes, violations };
  }, OTHER_ORIGIN);
  assert.equal(fromPage.outcomes.fetch, 'refused');
  assert.equal(fromPage.outcomes.beacon, 'refused');
  for (const directive of ['connect-src', 'img-src', 'form-action']) {
    assert.ok(fromPage.violations.includes(directive), `no ${directive} violation among ${fromPage.violations}`);
  }

  const [worker] = page.workers();
  assert.ok(worker, 'the page runs the module in a worker');
  const fromWorker = await worker.evaluate(async (other) => {
    const violations = [];
    self.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    let outcome;
    try {
      await fetch(`${other}/upload`, { method: 'POST', body: 'model bytes' });
      outcome = 'sent';
    } catch (error) {
      outcome = 'refused';
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { outcome, violations };
  }, OTHER_ORIGIN);
  assert.equal(fromWorker.outcome, 'refused');
  assert.ok(fromWorker.violations.includes('connect-src'), `worker violations: ${fromWorker.violations}`);

  const foreign = requests.filter((r) => r.url.startsWith(OTHER_ORIGIN));
  assert.deepEqual(foreign, [], 'the browser never tried to send these requests');
  await context.close();
});
