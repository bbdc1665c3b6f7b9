// Sizes for the inputs whose shape the graph leaves open ([?,784], or no
// shape at all): the summary's Inputs table gets a field for each, prefilled
// with 1 for every unknown size. Verify runs the models with these sizes, and
// a recipe's strip_unused_nodes takes them as its shape.

import { el } from './dom.js';

// "1, 224,224 ,3" → [1, 224, 224, 3]; "" → [] (a scalar); null when malformed.
export function parseShape(text) {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const sizes = trimmed.split(',').map((piece) => piece.trim());
  if (!sizes.every((piece) => /^\d+$/.test(piece))) return null;
  return sizes.map(Number);
}

export function isFullyKnown(shape) {
  return Array.isArray(shape) && shape.every((size) => Number.isInteger(size) && size >= 0);
}

export class InputShapes {
  #inputs = [];      // [{ name, dtype, shape, open, field }]
  #onChange;

  constructor(onChange = () => {}) {
    this.#onChange = onChange;
  }

  reset(inputs = []) {
    this.#inputs = inputs.filter((input) => typeof input === 'object').map((input) => {
      const open = !isFullyKnown(input.shape);
      const suggested = Array.isArray(input.shape) ? input.shape.map((size) => (size >= 0 ? size : 1)).join(',') : '';
      return { name: input.name, dtype: input.dtype, shape: input.shape, open, suggested, field: null };
    });
  }

  get inputs() {
    return this.#inputs;
  }

  // The field for an input with an open shape (null for a known one).
  fieldFor(input) {
    const entry = this.#inputs.find((candidate) => candidate.name === input.name);
    if (!entry?.open) return null;
    entry.field = el('input', {
      type: 'text', class: 'shape-input', value: entry.suggested, inputmode: 'numeric', autocomplete: 'off',
      spellcheck: 'false', 'aria-label': `Sizes of input ${entry.name} to use (comma-separated)`,
      'data-input-name': entry.name, placeholder: 'e.g. 1,224,224,3',
    });
    entry.field.addEventListener('input', () => {
      entry.field.toggleAttribute('aria-invalid', parseShape(entry.field.value) === null);
      this.#onChange();
    });
    return entry.field;
  }

  // The text of an input's shape as it will be used: its own, or the field's.
  shapeText(entry) {
    if (!entry.open) return entry.shape.join(',');
    return entry.field ? entry.field.value.trim() : entry.suggested;
  }

  // { name: [sizes] } for the open inputs; throws naming a malformed field.
  shapesForRun() {
    const shapes = {};
    for (const entry of this.#inputs) {
      if (!entry.open) continue;
      const sizes = parseShape(this.shapeText(entry));
      if (sizes === null) {
        const problem = new Error(`the sizes of input '${entry.name}' must be whole numbers separated by commas, such as 1,224,224,3`);
        problem.field = entry.field;
        throw problem;
      }
      shapes[entry.name] = sizes;
    }
    return shapes;
  }
}
