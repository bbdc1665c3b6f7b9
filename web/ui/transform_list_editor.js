// "My own list": transforms picked from the module's registry, each with its
// parameters as form fields (defaults filled in, help beside them), in an
// order the user can change with buttons. The list is written back as a
// transform string (only the parameters that differ from their defaults).

import { formatTransformList } from '../lib/transform_text.js';
import { el } from './dom.js';

let nextItemId = 1;

export class TransformListEditor {
  #registry;    // { transforms: [{ name, help, parameters }], common_parameters }
  #picker;
  #pickerHelp;
  #list;
  #emptyNote;
  #onChange;
  #items = [];  // [{ definition, element, read() → { name, params } }]

  constructor(root, registry, onChange) {
    this.#registry = registry;
    this.#picker = root.querySelector('#transform-picker');
    this.#pickerHelp = root.querySelector('#transform-picker-help');
    this.#list = root.querySelector('#custom-transforms');
    this.#emptyNote = root.querySelector('#custom-empty');
    this.#onChange = onChange;

    this.#picker.replaceChildren(...registry.transforms.map((definition) =>
      el('option', { value: definition.name }, definition.name)));
    const showHelp = () => {
      this.#pickerHelp.textContent = this.#definition(this.#picker.value)?.help ?? '';
    };
    this.#picker.addEventListener('change', showHelp);
    showHelp();
    root.querySelector('#add-transform').addEventListener('click', () => {
      const item = this.add(this.#picker.value);
      item?.element.querySelector('input, select, textarea, button')?.focus();
    });
  }

  #definition(name) {
    return this.#registry.transforms.find((definition) => definition.name === name);
  }

  get length() {
    return this.#items.length;
  }

  // Adds a transform; `values` sets parameters by name (tests and recipes).
  add(name, values = {}) {
    const definition = this.#definition(name);
    if (!definition) return null;
    const id = `transform-${nextItemId++}`;
    const fields = [...definition.parameters, ...(this.#registry.common_parameters ?? [])]
      .map((parameter) => parameterField(id, parameter, values[parameter.name]));
    const heading = el('span', { class: 'item-title', id: `${id}-title` }, definition.name);
    const item = { definition, element: null, fields };
    const itemButton = (label) => el('button', { type: 'button', class: 'small secondary', 'aria-describedby': `${id}-title` }, label);
    const up = itemButton('Move up');
    const down = itemButton('Move down');
    const remove = itemButton('Remove');
    item.element = el('li', { class: 'transform-item', 'data-transform': definition.name },
      el('fieldset', {},
        el('legend', {}, heading),
        el('p', { class: 'help' }, definition.help),
        fields.length ? el('div', { class: 'parameters' }, fields.map((field) => field.element)) : null,
        el('div', { class: 'button-row item-buttons' }, up, down, remove)));
    up.addEventListener('click', () => this.#move(item, -1, up));
    down.addEventListener('click', () => this.#move(item, +1, down));
    remove.addEventListener('click', () => this.#remove(item));
    item.element.addEventListener('input', () => this.#onChange());
    item.element.addEventListener('change', () => this.#onChange());
    this.#items.push(item);
    this.#render();
    this.#onChange();
    return item;
  }

  clear() {
    this.#items = [];
    this.#render();
    this.#onChange();
  }

  #move(item, step, button) {
    const index = this.#items.indexOf(item);
    const target = index + step;
    if (target < 0 || target >= this.#items.length) return;
    this.#items.splice(index, 1);
    this.#items.splice(target, 0, item);
    this.#render();
    button.focus();
    this.#onChange();
  }

  #remove(item) {
    const index = this.#items.indexOf(item);
    this.#items.splice(index, 1);
    this.#render();
    // Focus stays in the list: on the next item, else the previous, else the picker.
    const neighbour = this.#items[index] ?? this.#items[index - 1];
    (neighbour?.element.querySelector('button') ?? this.#picker).focus();
    this.#onChange();
  }

  // Restores the move buttons' disabled states (after the form was disabled while busy).
  refresh() {
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(...this.#items.map((item) => item.element));
    this.#emptyNote.hidden = this.#items.length > 0;
    this.#items.forEach((item, index) => {
      const [up, down] = item.element.querySelectorAll('.item-buttons button');
      up.disabled = index === 0;
      down.disabled = index === this.#items.length - 1;
    });
  }

  names() {
    return this.#items.map((item) => item.definition.name);
  }

  // The list as a transform string.
  text() {
    return formatTransformList(this.#items.map((item) => ({
      name: item.definition.name,
      params: item.fields.flatMap((field) => field.read()),
    })));
  }
}

// One parameter as a form field. read() gives the [name, value] pairs to
// write: nothing when the field holds the default (or is empty without one).
function parameterField(itemId, parameter, initial) {
  const id = `${itemId}-${parameter.name}`;
  const helpId = `${id}-help`;
  const defaultText = parameter.default ?? '';
  const label = el('label', { for: id }, parameter.name,
    el('span', { class: 'parameter-type' }, ` ${parameter.type}${parameter.required ? ', required' : ''}`));
  const help = el('p', { id: helpId, class: 'help' }, parameter.help,
    defaultText !== '' ? ` Default: ${defaultText}.` : '');
  let input;
  let read;
  if (parameter.type === 'bool') {
    const checked = initial !== undefined ? String(initial) === 'true' : defaultText === 'true';
    input = el('input', { type: 'checkbox', id, checked, 'aria-describedby': helpId });
    read = () => (String(input.checked) === (defaultText || 'false') ? [] : [[parameter.name, String(input.checked)]]);
    return { element: el('div', { class: 'field checkbox-field' }, input, label, help), read };
  }
  if (parameter.type === 'string-list') {
    input = el('textarea', { id, rows: 2, spellcheck: 'false', 'aria-describedby': helpId });
    input.value = Array.isArray(initial) ? initial.join('\n') : (initial ?? defaultText);
    help.append(' One value per line.');
    read = () => {
      const values = input.value.split('\n').map((line) => line.trim()).filter(Boolean);
      return values.join('\n') === defaultText ? [] : values.map((value) => [parameter.name, value]);
    };
  } else {
    const numeric = ['int32', 'int64', 'float'].includes(parameter.type);
    input = el('input', {
      type: 'text', id, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': helpId,
      inputmode: numeric ? (parameter.type === 'float' ? 'decimal' : 'numeric') : null,
      required: parameter.required,
    });
    input.value = initial !== undefined ? String(initial) : defaultText;
    read = () => {
      const value = input.value.trim();
      return value === '' || value === defaultText ? [] : [[parameter.name, value]];
    };
  }
  return { element: el('div', { class: 'field' }, label, input, help), read };
}
