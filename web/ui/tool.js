// The whole tool in one root: open a model (picker, drop, or URL), show its
// summary, run a recipe or transform list in the worker with progress and a
// cancel button, show and verify the result, and download it. Mounted into
// the page's <main> (app.js) and into each <model-quantizer>'s shadow root.

import { formatBytes } from '../lib/format.js';
import { fetchModel } from '../lib/model_source.js';
import { ModelWorker } from '../lib/worker_client.js';
import { workerFactory } from '../lib/worker_source.js';
import { applyCapabilities } from './capabilities.js';
import { attachFilePicker } from './file_picker.js';
import { InputShapes } from './input_shapes.js';
import { FormProblem, OptimizeForm } from './optimize_form.js';
import { ProgressView } from './progress_view.js';
import { renderComparison, renderTransformResult } from './result_view.js';
import { attachSaveCopy, download } from './save_copy.js';
import { StatusArea } from './status.js';
import { renderSummary } from './summary.js';
import { buildToolMarkup } from './tool_markup.js';

// The largest message protobuf can parse (2 GiB - 1); larger files cannot be a GraphDef.
const MAX_MODEL_BYTES = 2147483647;

// options: { mode: 'full' | 'summary', dropTarget, recipe (preselected) }.
// Returns { ready, openFile(file), openUrl(url), worker, destroy() }; `ready`
// resolves to the module's function names, or rejects when it cannot load.
export function mountTool(container, { mode = 'full', dropTarget = document, recipe = null } = {}) {
  container.classList.add('tool');
  container.dataset.mode = mode;
  container.replaceChildren(...buildToolMarkup());
  const find = (selector) => container.querySelector(selector);
  const status = new StatusArea(find('#status'), find('#error'));
  const worker = new ModelWorker(workerFactory());
  const shapes = new InputShapes(() => form.update());
  const form = new OptimizeForm(container, shapes);
  const progress = new ProgressView(container);
  const elements = {
    result: find('#result'),
    summary: find('#summary'),
    runButton: find('#run-button'),
    cancelButton: find('#cancel-button'),
    transformResult: find('#transform-result'),
    transformResultBody: find('#transform-result-body'),
    verifyButton: find('#verify-button'),
    verifyResult: find('#verify-result'),
    downloadButtons: container.querySelectorAll('[data-result-format]'),
  };

  // The open model: its source (a File or Blob, kept to reopen it in a fresh
  // worker after a cancel), its name in the worker, its summary.
  let model = null;
  // The last result: { request, name, byteLength }.
  let result = null;
  // Each open gets a number; an answer for an older open than the latest is dropped.
  let latestOpen = 0;
  let busy = false;

  function setBusy(value) {
    busy = value;
    if (value) container.setAttribute('aria-busy', 'true');
    else container.removeAttribute('aria-busy');
  }

  async function openFile(file, { droppedCount = 1 } = {}) {
    const thisOpen = ++latestOpen;
    const isCurrent = () => thisOpen === latestOpen;
    if (busy && model) {
      worker.restart('another model was opened');
      endRun();
    }
    elements.result.hidden = true;
    model = null;
    result = null;
    setBusy(true);
    status.busy(`Reading ${file.name} (${formatBytes(file.size)})…`);
    try {
      if (file.size > MAX_MODEL_BYTES) {
        throw new Error(`it is ${formatBytes(file.size)}; a TensorFlow graph file is at most 2 GiB`);
      }
      // The File itself goes to the worker, which reads it: its bytes are never copied in this page.
      const opened = await worker.request('open', { name: file.name, file });
      if (!isCurrent()) return;
      showModel(file, opened.name, opened.summary);
      const ignored = droppedCount > 1 ? ` (opened the first of ${droppedCount} dropped files)` : '';
      const converted = opened.convertedFrom ? `Converted ${file.name} to ${opened.name} and summarized it` : `Summarized ${file.name}`;
      status.done(`${converted} in ${Math.round(opened.milliseconds)} ms${ignored}.`);
    } catch (error) {
      if (!isCurrent()) return;
      // A graph that parses but is invalid still has a summary worth showing.
      if (error.value) showModel(file, file.name, error.value);
      status.error(openFailureMessage(file.name, error));
    } finally {
      if (isCurrent()) setBusy(false);
    }
  }

  function showModel(file, name, summary) {
    model = { file, name, summary };
    shapes.reset(summary.inputs);
    renderSummary(elements.summary, name, summary, { shapeField: mode === 'summary' ? null : (input) => shapes.fieldFor(input) });
    form.setModel(name);
    progress.hide();
    elements.transformResult.hidden = true;
    elements.result.hidden = false;
  }

  async function openUrl(url) {
    const thisOpen = ++latestOpen;
    elements.result.hidden = true;
    setBusy(true);
    status.busy(`Downloading ${url}…`);
    let file;
    try {
      file = await fetchModel(url, {
        onProgress: ({ loaded, total }) => {
          if (thisOpen === latestOpen) status.busy(`Downloading ${url}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}…`);
        },
      });
    } catch (error) {
      if (thisOpen === latestOpen) {
        status.error(error.message);
        setBusy(false);
      }
      return false;
    }
    if (thisOpen !== latestOpen) return false;
    await openFile(file);
    return model !== null;
  }

  async function run(event) {
    event?.preventDefault();
    if (!model || busy) return;
    form.showProblem('');
    let request;
    try {
      request = form.request();
    } catch (problem) {
      if (!(problem instanceof FormProblem)) throw problem;
      form.showProblem(problem.message);
      problem.field?.focus();
      return;
    }
    const names = form.transformNames(request);
    const outputName = form.resultFileName('binary', request);
    result = null;
    elements.transformResult.hidden = true;
    elements.verifyResult.replaceChildren();
    progress.start(names);
    setBusy(true);
    form.setBusy(true);
    elements.cancelButton.hidden = false;
    elements.cancelButton.disabled = false;
    status.busy(`Running ${names.length ? names.join(', ') : 'the transforms'} on ${model.name}…`);
    try {
      const answer = await worker.request('transform', { request }, { onProgress: (report) => progress.report(report) });
      progress.finish();
      result = { request, name: outputName, byteLength: answer.byteLength, report: answer.report };
      renderTransformResult(elements.transformResultBody, {
        report: answer.report,
        inputName: model.name,
        inputBytes: model.summary.file_size ?? model.file.size,
        outputName,
        outputBytes: answer.byteLength,
        milliseconds: answer.milliseconds,
      });
      updateDownloadLabels();
      elements.transformResult.hidden = false;
      status.done(`Done: ${outputName} is ${formatBytes(answer.byteLength)} (was ${formatBytes(model.summary.file_size ?? model.file.size)}).`);
      // Focus was on the Run button, disabled while running: move it to the result.
      if (!container.contains(activeElement())) elements.transformResult.querySelector('h2').focus();
    } catch (error) {
      // A cancelled run: cancel() reopens the model and then gives the form back.
      if (error.code === 'cancelled') return;
      progress.stop('failed');
      const where = error.value?.excerpt ? `\n${error.value.excerpt}` : '';
      status.error(`${error.message}${where}`);
    }
    endRun();
  }

  function endRun() {
    elements.cancelButton.hidden = true;
    form.setBusy(false);
    setBusy(false);
  }

  // The focused element, inside this tool's shadow root too.
  function activeElement() {
    const root = container.getRootNode();
    return root.activeElement ?? document.activeElement;
  }

  // Stops the worker in the middle of its work and starts a fresh one, which
  // gets the open model again (from its File, so nothing was kept in this page).
  async function cancel() {
    if (!busy || !model) return;
    const { file, name } = model;
    elements.cancelButton.disabled = true;
    progress.stop('cancelled');
    worker.restart('cancelled');
    status.busy(`Cancelled. Reopening ${name}…`);
    try {
      await worker.request('open', { name: file.name, file });
      status.done('Cancelled. The model is still open: change the transforms and run again.');
    } catch (error) {
      status.error(openFailureMessage(name, error));
    }
    endRun();
    elements.runButton.focus();
  }

  function updateDownloadLabels() {
    for (const button of elements.downloadButtons) {
      const name = form.resultFileName(button.dataset.resultFormat, result.request);
      button.textContent = `Download ${name}`;
      button.dataset.fileName = name;
    }
  }

  async function downloadResult(format) {
    if (!result) return;
    const name = form.resultFileName(format, result.request);
    status.busy(`Preparing ${name}…`);
    try {
      const { blob } = await worker.request('resultFile', { format });
      download(blob, name);
      status.done(`Saved ${name} (${blob.size.toLocaleString('en-US')} bytes).`);
    } catch (error) {
      if (error.code !== 'cancelled') status.error(`Could not save ${name}: ${error.message}`);
    }
  }

  async function verify() {
    if (!result || busy) return;
    let runShapes;
    try {
      runShapes = shapes.shapesForRun();
    } catch (problem) {
      status.error(`Cannot verify: ${problem.message}.`);
      problem.field?.focus();
      return;
    }
    setBusy(true);
    elements.verifyButton.disabled = true;
    elements.verifyResult.replaceChildren();
    status.busy(`Running ${model.name} and ${result.name} on the same random inputs…`);
    try {
      const answer = await worker.request('verify', { shapes: runShapes });
      renderComparison(elements.verifyResult, answer);
      status.done(`Verified: ${answer.comparison.within_tolerance ? 'every output is within tolerance' : 'some outputs differ beyond tolerance'}.`);
    } catch (error) {
      if (error.code !== 'cancelled') status.error(`Could not verify: ${error.message}`);
    } finally {
      elements.verifyButton.disabled = false;
      setBusy(false);
    }
  }

  attachFilePicker({
    dropZone: find('#drop-zone'),
    input: find('#file-input'),
    onFile: openFile,
    onProblem: (text) => status.error(text),
    dropTarget,
  });
  attachSaveCopy({
    buttons: container.querySelectorAll('#save-copy button[data-format]'),
    worker,
    status,
    currentFileName: () => model?.name,
  });
  form.elements.form.addEventListener('submit', run);
  elements.cancelButton.addEventListener('click', cancel);
  elements.verifyButton.addEventListener('click', verify);
  for (const button of elements.downloadButtons) {
    button.addEventListener('click', () => downloadResult(button.dataset.resultFormat));
  }

  const ready = (async () => {
    let functions;
    try {
      ({ functions } = await worker.request('capabilities'));
    } catch (error) {
      applyCapabilities(container, []);
      status.error(`The page cannot work: ${error.message}`);
      throw error;
    }
    applyCapabilities(container, functions);
    if (functions.includes('transform')) {
      form.setRegistry(await worker.request('registry'));
      if (recipe && !form.selectRecipe(recipe)) {
        status.error(`There is no recipe '${recipe}'; choose one of the recipes below.`);
      }
    }
    form.update();
    return functions;
  })();

  return {
    ready,
    openFile,
    openUrl,
    worker,
    form,
    destroy: () => worker.terminate(),
  };
}

// Every message names the file once, at the start, as the module's parse
// errors do ("model.pb: the file looks truncated: …").
function openFailureMessage(fileName, error) {
  const message = error.message;
  return message.startsWith(`${fileName}:`) ? message : `${fileName}: ${message}`;
}
