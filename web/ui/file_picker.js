// Opening a model: the drop zone is a button that opens the file picker, and
// a file dropped anywhere on the page is opened too (a drop never makes the
// browser navigate away to the file).

export function attachFilePicker({ dropZone, input, onFile, onProblem, dropTarget = document }) {
  dropZone.addEventListener('click', () => input.click());

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // Cleared so that choosing the same file again still reports a change.
    input.value = '';
    if (file) onFile(file);
  });

  // dragenter/dragleave fire for every child element crossed; count them so the
  // highlight stays on while the pointer is anywhere over the page.
  let depth = 0;
  const setHighlight = (on) => dropZone.classList.toggle('drag-over', on);

  dropTarget.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    setHighlight(true);
  });
  dropTarget.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  dropTarget.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) setHighlight(false);
  });
  dropTarget.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    setHighlight(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) {
      onProblem('Nothing to open: drop a model file (.pb or .pbtxt), not text or a link.');
      return;
    }
    onFile(files[0], { droppedCount: files.length });
  });
}

function carriesFiles(event) {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}
