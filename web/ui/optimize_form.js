// The optimize form: which transforms to run (a recipe with its input
// shape, a list composed from the registry, or a pasted transform string),
// the input and output nodes, and the equivalent command line, kept up to
// date as the form changes.

import { transformCommandLine } from '../lib/command_line.js';
import { resultFileName } from '../lib/output_names.js';
import { transformNames } from '../lib/transform_text.js';
import { isAvailable } from './capabilities.js';
import { el } from './dom.js';
import { parseShape } from './input_shapes.js';
import { TransformListEditor } from './transform_list_editor.js';

const FLOAT_TYPES = new Set(['float', 'float32', 'DT_FLOAT']);

// A problem in the form: the message to show and the field to focus.
export class FormProblem extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

export class OptimizeForm {
  #root;
  #registry = { transforms: null, recipes: null };
  #shapes;            // InputShapes of the open model
  #modelName = 'model.pb';
  #shapeEdited = false;
  #editor = null;
  elements;

  constructor(root, inputShapes) {
    this.#root = root;
    this.#shapes = inputShapes;
    const find = (selector) => root.querySelector(selector);
    this.elements = {
      form: find('#optimize-form'),
      recipeList: find('#recipe-list'),
      recipeShape: find('#recipe-shape'),
      recipeShapeHelp: find('#recipe-shape-help'),
      transformString: find('#transform-string'),
      inputNames: find('#input-names'),
      outputNames: find('#output-names'),
      commandLine: find('#command-line'),
      problem: find('#form-problem'),
      panels: [...root.querySelectorAll('.mode-panel')],
      modeRadios: [...root.querySelectorAll('input[name="mode"]')],
    };
    const { form, recipeShape } = this.elements;
    form.addEventListener('input', (event) => {
      if (event.target === recipeShape) this.#shapeEdited = true;
      this.update();
    });
    form.addEventListener('change', () => this.update());
  }

  // The registry ({transforms, recipes} of the module) fills the recipe
  // choices and the transform picker.
  setRegistry({ transforms, recipes }) {
    this.#registry = { transforms, recipes };
    if (recipes?.recipes?.length) {
      this.elements.recipeList.replaceChildren(...recipes.recipes.map((recipe, index) => {
        const id = `recipe-${recipe.name}`;
        return el('div', { class: 'choice' },
          el('input', { type: 'radio', name: 'recipe', value: recipe.name, id, checked: index === 0, 'aria-describedby': `${id}-help` }),
          el('label', { for: id }, recipe.name),
          el('p', { id: `${id}-help`, class: 'help' }, recipe.help));
      }));
    }
    if (transforms?.transforms?.length) {
      this.#editor = new TransformListEditor(this.#root, transforms, () => this.update());
    }
    this.update();
  }

  get editor() {
    return this.#editor;
  }

  // A newly opened model: its name for the command line and its inputs for the shape.
  setModel(name) {
    this.#modelName = name;
    this.#shapeEdited = false;
    this.update();
  }

  mode() {
    const checked = this.elements.modeRadios.find((radio) => radio.checked && isAvailable(radio.closest('.choice')));
    return checked?.value ?? this.elements.modeRadios.find((radio) => isAvailable(radio.closest('.choice')))?.value ?? 'string';
  }

  setMode(mode) {
    for (const radio of this.elements.modeRadios) radio.checked = radio.value === mode;
    this.update();
  }

  selectRecipe(name) {
    const radio = this.elements.recipeList.querySelector(`input[value="${CSS.escape(name)}"]`);
    if (!radio) return false;
    radio.checked = true;
    this.setMode('recipe');
    return true;
  }

  recipe() {
    return this.elements.recipeList.querySelector('input[name="recipe"]:checked')?.value ?? '';
  }

  // Keeps the panels, the recipe's shape and the command line in step with the form.
  update() {
    const mode = this.mode();
    for (const panel of this.elements.panels) panel.hidden = panel.dataset.mode !== mode || !isAvailable(panel);
    this.#prefillShape();
    this.elements.commandLine.textContent = this.commandLine();
  }

  // The recipe's shape comes from the model's only input when it is a float
  // (a recipe's strip_unused_nodes gives the input type=float); otherwise
  // empty, which makes every input keep its own type and shape.
  #prefillShape() {
    const { recipeShape, recipeShapeHelp } = this.elements;
    const inputs = this.#shapes.inputs;
    if (this.#shapeEdited) {
      recipeShapeHelp.textContent = 'Every input gets type=float and this shape. Empty: each input keeps its own type and shape.';
      return;
    }
    if (inputs.length === 1 && FLOAT_TYPES.has(inputs[0].dtype)) {
      const [input] = inputs;
      recipeShape.value = this.#shapes.shapeText(input);
      recipeShapeHelp.textContent = input.open
        ? `From input '${input.name}', with the sizes given in the Inputs table for the ones the graph leaves open.`
        : `From input '${input.name}'. Empty: the input keeps its own type and shape.`;
    } else {
      recipeShape.value = '';
      recipeShapeHelp.textContent = inputs.length === 0
        ? 'The graph has no Placeholder inputs.'
        : 'Empty: each input keeps its own type and shape (type=float and this shape would apply to every input).';
    }
  }

  #names(field) {
    const text = field.value.trim();
    return text === '' ? [] : text.split(',').map((name) => name.trim());
  }

  // What to ask the module for, without checking it: { recipe, shape } or
  // { transforms }, with inputs and outputs when given.
  draftRequest() {
    const request = {};
    const mode = this.mode();
    if (mode === 'recipe') {
      request.recipe = this.recipe();
      const shape = this.elements.recipeShape.value.trim().replace(/\s+/g, '');
      if (shape) request.shape = shape;
    } else if (mode === 'custom') {
      request.transforms = this.#editor?.text() ?? '';
    } else {
      request.transforms = this.elements.transformString.value.trim();
    }
    const inputs = this.#names(this.elements.inputNames);
    const outputs = this.#names(this.elements.outputNames);
    if (inputs.length) request.inputs = inputs;
    if (outputs.length) request.outputs = outputs;
    return request;
  }

  // The request, or a FormProblem for what the page can tell is missing
  // before asking the module (which checks everything else).
  request() {
    const request = this.draftRequest();
    const mode = this.mode();
    if (mode === 'recipe') {
      if (!request.recipe) throw new FormProblem('Choose a recipe.', this.elements.recipeList.querySelector('input'));
      if (request.shape && (parseShape(request.shape) === null || parseShape(request.shape).length === 0)) {
        throw new FormProblem('The input shape must be sizes separated by commas, such as 1,224,224,3.', this.elements.recipeShape);
      }
    } else if (mode === 'custom' && !request.transforms) {
      throw new FormProblem('Add at least one transform to the list.', this.#root.querySelector('#transform-picker'));
    } else if (mode === 'string' && !request.transforms) {
      throw new FormProblem('Write at least one transform, such as quantize_weights.', this.elements.transformString);
    }
    return request;
  }

  // The transforms the request runs, as names (for the progress list and the file name).
  transformNames(request = this.draftRequest()) {
    if (request.recipe) {
      const recipe = this.#registry.recipes?.recipes?.find((candidate) => candidate.name === request.recipe);
      return recipe ? recipe.transforms.flatMap(transformNames) : [];
    }
    return transformNames(request.transforms ?? '');
  }

  resultFileName(format = 'binary', request = this.draftRequest()) {
    return resultFileName(this.#modelName, this.transformNames(request), format);
  }

  commandLine(request = this.draftRequest()) {
    return transformCommandLine({ inputFile: this.#modelName, outputFile: this.resultFileName('binary', request), request });
  }

  showProblem(message) {
    this.elements.problem.textContent = message;
    this.elements.problem.hidden = !message;
  }

  setBusy(busy) {
    for (const element of this.elements.form.elements) {
      if (element.id !== 'cancel-button') element.disabled = busy;
    }
    if (!busy) {
      this.#editor?.refresh();
      this.update();
    }
  }
}
