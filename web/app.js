// The page: open a model, summarize it in the worker, show the result.

import { formatBytes } from './lib/format.js';
import { ModelWorker } from './lib/worker_client.js';
import { applyCapabilities } from './ui/capabilities.js';
import { attachFilePicker } from './ui/file_picker.js';
import { attachSaveCopy } from './ui/save_copy.js';
import { StatusArea } from './ui/status.js';
import { renderSummary } from './ui/summary.js';

// The largest message protobuf can parse (2 GiB - 1); larger files cannot be a GraphDef.
const MAX_MODEL_BYTES = 2147483647;

const page = {
  dropZone: document.getElementById('drop-zone'),
  fileInput: document.getElementById('file-input'),
  result: document.getElementById('result'),
  summary: document.getElementById('summary'),
  saveButtons: document.querySelectorAll('#save-copy button[data-format]'),
};
const status = new StatusArea(document.getElementById('status'), document.getElementById('error'));
const worker = new ModelWorker();

let openFileName = null;
// Each open gets a number; an answer for an older open than the latest is dropped.
let latestOpen = 0;

async function openFile(file, { droppedCount = 1 } = {}) {
  const thisOpen = ++latestOpen;
  const isCurrent = () => thisOpen === latestOpen;
  page.result.hidden = true;
  openFileName = null;
  document.body.setAttribute('aria-busy', 'true');
  status.busy(`Reading ${file.name} (${formatBytes(file.size)})…`);
  try {
    if (file.size > MAX_MODEL_BYTES) {
      throw new Error(`it is ${formatBytes(file.size)}; a TensorFlow graph file is at most 2 GiB`);
    }
    const buffer = await file.arrayBuffer();
    if (!isCurrent()) return;
    const { summary, milliseconds } = await worker.request('open', { name: file.name, buffer }, { transfer: [buffer] });
    if (!isCurrent()) return;
    renderSummary(page.summary, file.name, summary);
    openFileName = file.name;
    page.result.hidden = false;
    const ignored = droppedCount > 1 ? ` (opened the first of ${droppedCount} dropped files)` : '';
    status.done(`Summarized ${file.name} in ${Math.round(milliseconds)} ms${ignored}.`);
  } catch (error) {
    if (!isCurrent()) return;
    // A graph that parses but is invalid still has a summary worth showing.
    if (error.value) {
      renderSummary(page.summary, file.name, error.value);
      openFileName = file.name;
      page.result.hidden = false;
    }
    status.error(openFailureMessage(file.name, error.message));
  } finally {
    if (isCurrent()) document.body.removeAttribute('aria-busy');
  }
}

// Every message names the file once, at the start, as the module's parse
// errors do ("model.pb: the file looks truncated: …").
function openFailureMessage(fileName, message) {
  return message.startsWith(`${fileName}:`) ? message : `${fileName}: ${message}`;
}

attachFilePicker({
  dropZone: page.dropZone,
  input: page.fileInput,
  onFile: openFile,
  onProblem: (text) => status.error(text),
});

attachSaveCopy({
  buttons: page.saveButtons,
  worker,
  status,
  currentFileName: () => openFileName,
});

worker.request('capabilities').then(
  ({ functions }) => {
    applyCapabilities(document, functions);
    document.body.dataset.ready = 'true';
  },
  (error) => {
    applyCapabilities(document, []);
    status.error(`The page cannot work: ${error.message}`);
    document.body.dataset.ready = 'false';
  },
);
