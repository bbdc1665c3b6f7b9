// Features appear only when the WebAssembly module offers them: an element
// marked data-requires="convert transform" stays hidden unless every named
// function exists. Such an element also gets data-unavailable="true", so code
// that shows and hides it for other reasons (the optimize form's mode
// panels) can keep it hidden.

export function applyCapabilities(root, functionNames) {
  const available = new Set(functionNames);
  for (const element of root.querySelectorAll('[data-requires]')) {
    const needed = element.dataset.requires.split(/\s+/).filter(Boolean);
    const missing = !needed.every((name) => available.has(name));
    element.hidden = missing;
    element.dataset.unavailable = String(missing);
  }
}

export function isAvailable(element) {
  return element.dataset.unavailable !== 'true';
}
