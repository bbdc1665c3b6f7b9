// The tool's elements, built once per page or per <model-quantizer>: open a
// model, its summary, the optimize form (recipe, custom list, or transform
// string), progress, and the result. Ids are unique within the root they are
// mounted in (the page's <main>, or the custom element's shadow root).
// Everything that needs a function of the WebAssembly module carries
// data-requires and stays hidden when the module lacks it.

import { el } from './dom.js';

export const ACCEPTED_FILES = '.pb,.pbtxt,.pbtext,.txt,.h5,.hdf5,.keras,application/octet-stream,text/plain';

export function buildToolMarkup() {
  return [openModel(), el('div', { id: 'result', hidden: true },
    el('section', { id: 'summary', class: 'summary', 'aria-labelledby': 'summary-heading' }),
    saveCopy(),
    optimize(),
    progress(),
    transformResult())];
}

function openModel() {
  return el('section', { class: 'open-model', 'aria-labelledby': 'open-heading', 'data-part': 'open' },
    el('h2', { id: 'open-heading', class: 'visually-hidden' }, 'Open a model'),
    el('label', { class: 'visually-hidden', for: 'file-input' }, 'Model file (.pb, .pbtxt, or a Keras .h5 / .keras file)'),
    el('input', { type: 'file', id: 'file-input', class: 'visually-hidden', tabindex: '-1', accept: ACCEPTED_FILES }),
    el('button', { type: 'button', id: 'drop-zone', class: 'drop-zone', 'aria-describedby': 'drop-hint' },
      el('span', { class: 'drop-zone-title' }, 'Open a model'),
      el('span', { id: 'drop-hint', class: 'drop-zone-hint' },
        'Choose a .pb or .pbtxt file, or drop it anywhere on this page',
        el('span', { 'data-requires': 'keras2pb', hidden: true }, ' (Keras .h5 and .keras files are converted first)'))),
    el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    el('p', { id: 'error', class: 'error', role: 'alert', hidden: true }));
}

function saveCopy() {
  return el('section', { id: 'save-copy', class: 'save-copy', 'aria-labelledby': 'save-heading', 'data-requires': 'convert', hidden: true },
    el('h3', { id: 'save-heading' }, 'Save a copy'),
    el('div', { class: 'button-row' },
      el('button', { type: 'button', 'data-format': 'text' }, 'As text (.pbtxt)'),
      el('button', { type: 'button', 'data-format': 'binary' }, 'As binary (.pb)')));
}

function radio(name, value, labelText, { checked = false, help = null, id = `${name}-${value}`, requires = null } = {}) {
  const helpId = help ? `${id}-help` : null;
  return el('div', { class: 'choice', 'data-requires': requires },
    el('input', { type: 'radio', name, value, id, checked, 'aria-describedby': helpId }),
    el('label', { for: id }, labelText),
    help ? el('p', { id: helpId, class: 'help' }, help) : null);
}

function optimize() {
  return el('section', { id: 'optimize', class: 'optimize', 'aria-labelledby': 'optimize-heading', 'data-requires': 'transform', hidden: true },
    el('h2', { id: 'optimize-heading' }, 'Optimize and quantize'),
    el('form', { id: 'optimize-form', novalidate: true },
      el('fieldset', { class: 'mode-choice' },
        el('legend', {}, 'Transforms to run'),
        el('div', { class: 'segmented' },
          radio('mode', 'recipe', 'A recipe', { checked: true, requires: 'recipes' }),
          radio('mode', 'custom', 'My own list', { requires: 'transforms' }),
          radio('mode', 'string', 'A transform string'))),

      el('fieldset', { id: 'recipe-panel', class: 'mode-panel', 'data-mode': 'recipe', 'data-requires': 'recipes' },
        el('legend', {}, 'Recipe'),
        el('div', { id: 'recipe-list', class: 'choices' }),
        el('div', { class: 'field' },
          el('label', { for: 'recipe-shape' }, 'Input shape for strip_unused_nodes'),
          el('input', { id: 'recipe-shape', type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'recipe-shape-help' }),
          el('p', { id: 'recipe-shape-help', class: 'help' }))),

      el('fieldset', { id: 'custom-panel', class: 'mode-panel', 'data-mode': 'custom', 'data-requires': 'transforms', hidden: true },
        el('legend', {}, 'My own list'),
        el('div', { class: 'field add-transform' },
          el('label', { for: 'transform-picker' }, 'Transform'),
          el('div', { class: 'field-row' },
            el('select', { id: 'transform-picker', 'aria-describedby': 'transform-picker-help' }),
            el('button', { type: 'button', id: 'add-transform' }, 'Add')),
          el('p', { id: 'transform-picker-help', class: 'help' })),
        el('ol', { id: 'custom-transforms', class: 'custom-transforms', 'aria-label': 'Transforms in the order they run' }),
        el('p', { id: 'custom-empty', class: 'empty' }, 'No transforms yet: pick one above and press Add.')),

      el('fieldset', { id: 'string-panel', class: 'mode-panel', 'data-mode': 'string', hidden: true },
        el('legend', {}, 'Transform string'),
        el('div', { class: 'field' },
          el('label', { for: 'transform-string' }, 'Transforms in the syntax of TensorFlow\'s transform_graph --transforms'),
          el('textarea', {
            id: 'transform-string', rows: 4, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'transform-string-help',
            placeholder: 'strip_unused_nodes remove_nodes(op=Identity) fold_constants(ignore_errors=true) quantize_weights',
          }),
          el('p', { id: 'transform-string-help', class: 'help' },
            'Separate transforms with spaces; parameters go in parentheses: name(param=value, param="a,b").'))),

      el('details', { class: 'names' },
        el('summary', {}, 'Input and output nodes'),
        el('div', { class: 'field' },
          el('label', { for: 'input-names' }, 'Inputs (comma-separated)'),
          el('input', { id: 'input-names', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'input-names-help' }),
          el('p', { id: 'input-names-help', class: 'help' }, 'Empty: the graph\'s Placeholders.')),
        el('div', { class: 'field' },
          el('label', { for: 'output-names' }, 'Outputs (comma-separated)'),
          el('input', { id: 'output-names', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'output-names-help' }),
          el('p', { id: 'output-names-help', class: 'help' }, 'Empty: the nodes nothing consumes.'))),

      el('div', { class: 'command' },
        el('p', { id: 'command-label', class: 'command-label' }, 'The same on the command line'),
        el('pre', { tabindex: 0, 'aria-labelledby': 'command-label' }, el('code', { id: 'command-line' }))),

      el('p', { id: 'form-problem', class: 'error', role: 'alert', hidden: true }),
      el('div', { class: 'button-row' },
        el('button', { type: 'submit', id: 'run-button' }, 'Run'),
        el('button', { type: 'button', id: 'cancel-button', class: 'secondary', hidden: true }, 'Cancel'))));
}

function progress() {
  return el('section', { id: 'progress', class: 'progress', 'aria-labelledby': 'progress-heading', hidden: true },
    el('h3', { id: 'progress-heading' }, 'Progress'),
    el('progress', { id: 'progress-bar', max: 1, value: 0, 'aria-labelledby': 'progress-heading' }),
    el('ol', { id: 'progress-steps', class: 'progress-steps' }));
}

function transformResult() {
  return el('section', { id: 'transform-result', class: 'transform-result', 'aria-labelledby': 'transform-result-heading', hidden: true },
    el('h2', { id: 'transform-result-heading', tabindex: '-1' }, 'Result'),
    el('div', { id: 'transform-result-body' }),
    el('div', { class: 'button-row downloads' },
      el('button', { type: 'button', id: 'download-binary', 'data-result-format': 'binary' }, 'Download .pb'),
      el('button', { type: 'button', id: 'download-text', 'data-result-format': 'text', 'data-requires': 'convert', class: 'secondary' }, 'Download as text (.pbtxt)')),
    el('section', { id: 'verify', class: 'verify', 'aria-labelledby': 'verify-heading', 'data-requires': 'compare', hidden: true },
      el('h3', { id: 'verify-heading' }, 'Verify'),
      el('p', { class: 'help' }, 'Runs the original and the result on the same random inputs, here in the browser, and compares every output.'),
      el('button', { type: 'button', id: 'verify-button' }, 'Verify'),
      el('div', { id: 'verify-result', 'aria-live': 'polite' })));
}
