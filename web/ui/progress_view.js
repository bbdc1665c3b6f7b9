// Progress of a run, phase by phase: parsing, each transform, serializing.
// The list is drawn from the transforms the page expects to run and redrawn
// from the module's own count when that differs (a recipe planned for the
// graph). Each finished phase shows how long it took.

import { el } from './dom.js';

export class ProgressView {
  #section;
  #bar;
  #list;
  #steps = [];       // [{ key, label, element, started }]
  #current = -1;

  constructor(root) {
    this.#section = root.querySelector('#progress');
    this.#bar = root.querySelector('#progress-bar');
    this.#list = root.querySelector('#progress-steps');
  }

  // Starts a new run expecting these transforms.
  start(transformNames) {
    this.#section.hidden = false;
    this.#draw(transformNames);
    this.#current = -1;
    this.#bar.value = 0;
  }

  hide() {
    this.#section.hidden = true;
  }

  #draw(transformNames) {
    this.#steps = [
      { key: 'parse', label: 'Parse the model' },
      ...transformNames.map((name, index) => ({ key: `transform-${index}`, label: name })),
      { key: 'serialize', label: 'Write the result' },
    ];
    for (const step of this.#steps) {
      step.state = el('span', { class: 'step-state' }, 'waiting');
      step.element = el('li', { class: 'step', 'data-state': 'waiting', 'data-step': step.key },
        el('span', { class: 'step-label' }, step.label), ' ', step.state);
    }
    this.#list.replaceChildren(...this.#steps.map((step) => step.element));
  }

  // A progress event of the module: { phase, index, count, name }.
  report(event) {
    if (event.phase === 'transform') {
      const expected = this.#steps.length - 2;
      const name = this.#steps[event.index + 1]?.label;
      if (expected !== event.count || name !== event.name) this.#redrawTransforms(event);
      this.#enter(event.index + 1);
    } else if (event.phase === 'parse') {
      this.#enter(0);
    } else if (event.phase === 'serialize') {
      this.#enter(this.#steps.length - 1);
    }
  }

  // The module plans more or other transforms than the page expected: keep
  // what is done, redraw the rest with placeholders named as the module says.
  #redrawTransforms({ index, count, name }) {
    const names = this.#steps.slice(1, -1).map((step) => step.label);
    names.length = count;
    names[index] = name;
    const done = this.#steps.slice(0, this.#current + 1).map((step) => ({ ...step }));
    this.#draw([...names].map((label, i) => label ?? `transform ${i + 1}`));
    done.forEach((step, i) => this.#mark(this.#steps[i], 'done', step.took));
  }

  #enter(index) {
    const now = performance.now();
    for (let i = Math.max(0, this.#current); i < index; i++) {
      const step = this.#steps[i];
      if (step.element.dataset.state !== 'done') this.#mark(step, 'done', step.started ? now - step.started : null);
    }
    const step = this.#steps[index];
    if (!step) return;
    step.started = now;
    this.#mark(step, 'running');
    this.#current = index;
    this.#bar.value = index / this.#steps.length;
    this.#bar.textContent = `${index} of ${this.#steps.length}`;
  }

  #mark(step, state, took = null) {
    step.element.dataset.state = state;
    step.took = took;
    if (state === 'running') step.element.setAttribute('aria-current', 'step');
    else step.element.removeAttribute('aria-current');
    step.state.textContent = state === 'done'
      ? (took === null ? 'done' : `done in ${formatMilliseconds(took)}`)
      : state;
  }

  finish() {
    this.#enter(this.#steps.length);
    this.#bar.value = 1;
  }

  // Leaves the list as it is, with the running phase marked as `state`
  // ('cancelled' or 'failed').
  stop(state) {
    const step = this.#steps[this.#current];
    if (step) this.#mark(step, state);
  }
}

function formatMilliseconds(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.max(0, Math.round(ms))} ms`;
}
