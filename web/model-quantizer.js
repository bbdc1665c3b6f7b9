// <model-quantizer>: the tool as a custom element, for documentation pages.
// One script tag makes it available:
//
//   <script type="module" src="/tools/modelquant/model-quantizer.js"></script>
//   <model-quantizer src="models/mobilenet.pb" mode="summary"></model-quantizer>
//   <model-quantizer src="models/mobilenet.pb" recipe="optimize_quantize_weights"></model-quantizer>
//
// Attributes:
//   src     a model to open, on the same site as the page (resolved against it)
//   recipe  the recipe to preselect
//   mode    "summary": a read-only model card (no file picker, no transforms);
//           anything else: the whole tool
// Each element has its own worker and its own shadow root with the page's
// stylesheet; its model never leaves the browser. It dispatches
// "model-quantizer-ready" once its module has loaded and "model-quantizer-open"
// after each model it opens ({ detail: { ok } }).

import { mountTool } from './ui/tool.js';

const STYLESHEET = new URL('./style.css', import.meta.url);

export class ModelQuantizerElement extends HTMLElement {
  static observedAttributes = ['src', 'recipe', 'mode'];

  #tool = null;
  #mountedMode = null;

  connectedCallback() {
    this.#mount();
  }

  disconnectedCallback() {
    this.#tool?.destroy();
    this.#tool = null;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#tool || oldValue === newValue) return;
    if (name === 'src') this.#openSource();
    else if (name === 'recipe' && newValue) this.#tool.form.selectRecipe(newValue);
    else if (name === 'mode' && this.#modeValue() !== this.#mountedMode) {
      this.#tool.destroy();
      this.#tool = null;
      this.#mount();
    }
  }

  #modeValue() {
    return this.getAttribute('mode') === 'summary' ? 'summary' : 'full';
  }

  #mount() {
    if (this.#tool || !this.isConnected) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const stylesheet = document.createElement('link');
    stylesheet.rel = 'stylesheet';
    stylesheet.href = STYLESHEET.href;
    const container = document.createElement('div');
    container.setAttribute('part', 'tool');
    root.replaceChildren(stylesheet, container);
    this.#mountedMode = this.#modeValue();
    const tool = mountTool(container, { mode: this.#mountedMode, recipe: this.getAttribute('recipe'), dropTarget: this });
    this.#tool = tool;
    tool.ready.then(() => {
      if (this.#tool !== tool) return;
      this.dispatchEvent(new CustomEvent('model-quantizer-ready', { bubbles: true, composed: true }));
      this.#openSource();
    }, () => {});
  }

  async #openSource() {
    const src = this.getAttribute('src');
    if (!src || !this.#tool) return;
    const ok = await this.#tool.openUrl(src);
    this.dispatchEvent(new CustomEvent('model-quantizer-open', { bubbles: true, composed: true, detail: { ok } }));
  }
}

if (!customElements.get('model-quantizer')) customElements.define('model-quantizer', ModelQuantizerElement);
