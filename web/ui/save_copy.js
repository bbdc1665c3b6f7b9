// "Save a copy as text / binary": the open model re-encoded by the module's
// `convert` and handed to the browser as a download.

const EXTENSION = { text: '.pbtxt', binary: '.pb' };

export function attachSaveCopy({ buttons, worker, status, currentFileName }) {
  for (const button of buttons) {
    button.addEventListener('click', async () => {
      const format = button.dataset.format;
      const name = outputName(currentFileName(), format);
      status.busy(`Converting to ${format}…`);
      try {
        const { buffer } = await worker.request('convert', { format });
        download(new Blob([buffer], { type: 'application/octet-stream' }), name);
        status.done(`Saved ${name} (${buffer.byteLength.toLocaleString('en-US')} bytes).`);
      } catch (error) {
        status.error(`Could not convert to ${format}: ${error.message}`);
      }
    });
  }
}

// "model.pb" + text → "model.pbtxt"; "model.pbtxt" + binary → "model.pb".
export function outputName(inputName, format) {
  const base = inputName.replace(/\.(pb|pbtxt|pbtext|txt)$/i, '');
  return base + EXTENSION[format];
}

export function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; release it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
