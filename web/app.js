// The page: the tool mounted in <main>, plus its URL form:
//   index.html?url=models/mobilenet.pb&recipe=optimize_quantize_weights[&run=1][&mode=summary]
// opens a model from this site (same origin only), preselects a recipe, and
// with run=1 runs it at once.

import { mountTool } from './ui/tool.js';

const parameters = new URLSearchParams(location.search);
const tool = mountTool(document.getElementById('app'), {
  mode: parameters.get('mode') === 'summary' ? 'summary' : 'full',
  recipe: parameters.get('recipe'),
  dropTarget: document,
});

tool.ready.then(
  async () => {
    document.body.dataset.ready = 'true';
    const url = parameters.get('url');
    if (!url) return;
    const opened = await tool.openUrl(url);
    if (opened && parameters.get('run') === '1') tool.form.elements.form.requestSubmit();
  },
  () => {
    document.body.dataset.ready = 'false';
  },
);
