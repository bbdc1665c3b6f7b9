// Features appear only when the WebAssembly module offers them: an element
// marked data-requires="convert transform" stays hidden unless every named
// function exists.

export function applyCapabilities(root, functionNames) {
  const available = new Set(functionNames);
  for (const element of root.querySelectorAll('[data-requires]')) {
    const needed = element.dataset.requires.split(/\s+/).filter(Boolean);
    element.hidden = !needed.every((name) => available.has(name));
  }
}
