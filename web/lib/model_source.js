// Where a model comes from besides the file picker: a URL on the page's own
// origin (the ?url= form of the page, the src of <model-quantizer>).

// Resolves `url` against `base` and fetches it as a File, reporting
// { loaded, total } as it arrives. Refuses other origins (the page must
// never contact them; its Content-Security-Policy would block them anyway)
// and pages opened from disk, which cannot fetch.
export async function fetchModel(url, { base = document.baseURI, onProgress = () => {}, signal } = {}) {
  const page = new URL(base);
  let target;
  try {
    target = new URL(url, page);
  } catch {
    throw new Error(`'${url}' is not a URL`);
  }
  if (page.protocol === 'file:') {
    throw new Error(`cannot fetch ${url}: a page opened from disk cannot load models by URL; open the file instead`);
  }
  if (target.origin !== page.origin) {
    throw new Error(`${target.href} is on another site (${target.origin}); only models from ${page.origin} can be opened by URL`);
  }
  const name = decodeURIComponent(target.pathname.split('/').pop() || 'model.pb');
  let response;
  try {
    response = await fetch(target, { credentials: 'same-origin', signal });
  } catch (error) {
    throw new Error(`${name}: could not download ${target.pathname}: ${error.message}`);
  }
  if (!response.ok) {
    throw new Error(`${name}: could not download ${target.pathname}: the server answered ${response.status} ${response.statusText}`.trim());
  }
  const total = Number(response.headers.get('content-length')) || null;
  const chunks = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  // A Blob of the chunks: the browser may keep it out of the page's memory.
  return new File(chunks, name, { type: 'application/octet-stream' });
}
