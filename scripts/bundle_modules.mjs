// A minimal bundler for the page's own ES modules, so the single-file build
// can inline them (no bundler dependency). It understands the import and
// export forms this repository's web code uses:
//   import { a, b as c } from './x.js';   import x from './x.js';
//   export function / async function / class / const / let NAME
//   export default NAME;   export { a, b as c };
// Each module becomes a function run once on first use (in dependency
// order, like ES modules); `import.meta.url` can be replaced for classic
// scripts. Anything else it meets (dynamic imports are left alone) is an
// error rather than a silently broken bundle.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const IMPORT = /^import\s+([\s\S]*?)\s+from\s+'([^']+)';?[ \t]*$/gm;
const BARE_IMPORT = /^import\s+'[^']+';?/m;
const EXPORT_DECLARATION = /^export\s+(default\s+)?((?:async\s+)?function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;
const EXPORT_DEFAULT_NAME = /^export\s+default\s+([A-Za-z_$][\w$]*)\s*;?[ \t]*$/gm;
const EXPORT_LIST = /^export\s*\{([^}]*)\}\s*;?[ \t]*$/gm;

function bindingList(text, file) {
  return text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const match = part.match(/^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/);
    if (!match) throw new Error(`${file}: cannot bundle the binding '${part}'`);
    return { imported: match[1], local: match[2] ?? match[1] };
  });
}

// Rewrites one module's source into the body of its function.
function transformModule(source, file, idOf) {
  if (BARE_IMPORT.test(source)) throw new Error(`${file}: side-effect imports are not supported`);
  const exported = [];
  let body = source.replace(IMPORT, (_, clause, specifier) => {
    const id = idOf(specifier);
    const parts = [];
    const named = clause.match(/\{([\s\S]*)\}/);
    const defaultName = clause.replace(/\{[\s\S]*\}/, '').replace(/,/g, ' ').trim();
    if (defaultName.startsWith('*')) {
      const match = defaultName.match(/^\*\s+as\s+([A-Za-z_$][\w$]*)$/);
      if (!match) throw new Error(`${file}: cannot bundle 'import ${clause}'`);
      parts.push(`const ${match[1]} = __require(${JSON.stringify(id)});`);
    } else if (defaultName) {
      parts.push(`const ${defaultName} = __require(${JSON.stringify(id)}).default;`);
    }
    if (named) {
      const bindings = bindingList(named[1], file).map(({ imported, local }) => (imported === local ? local : `${imported}: ${local}`));
      parts.push(`const { ${bindings.join(', ')} } = __require(${JSON.stringify(id)});`);
    }
    return parts.join(' ');
  });
  body = body.replace(EXPORT_DECLARATION, (_, isDefault, kind, name) => {
    exported.push({ local: name, exported: isDefault ? 'default' : name });
    return `${kind} ${name}`;
  });
  body = body.replace(EXPORT_DEFAULT_NAME, (_, name) => {
    exported.push({ local: name, exported: 'default' });
    return '';
  });
  body = body.replace(EXPORT_LIST, (_, list) => {
    for (const { imported, local } of bindingList(list, file)) exported.push({ local: imported, exported: local });
    return '';
  });
  if (/^\s*export\s/m.test(body)) throw new Error(`${file}: an export form the bundler does not understand is left`);
  if (/^\s*import\s+[^(]/m.test(body)) throw new Error(`${file}: an import form the bundler does not understand is left`);
  const assignments = exported.map(({ local, exported: name }) => `__exports[${JSON.stringify(name)}] = ${local};`);
  return `${body}\n${assignments.join('\n')}`;
}

// Bundles `entry` and every module it imports into one script.
// options.classic: replace import.meta.url with self.location.href (a classic
// worker has no import.meta). Returns the script's text.
export function bundleModules(entry, { classic = false, root = path.dirname(entry) } = {}) {
  const modules = new Map(); // id → function body
  const visit = (file) => {
    const id = path.relative(root, file).split(path.sep).join('/');
    if (modules.has(id)) return id;
    modules.set(id, null);
    let source = readFileSync(file, 'utf8');
    if (classic) source = source.replaceAll('import.meta.url', 'self.location.href');
    const idOf = (specifier) => {
      if (!specifier.startsWith('.')) throw new Error(`${file}: cannot bundle the package import '${specifier}'`);
      return visit(path.resolve(path.dirname(file), specifier));
    };
    modules.set(id, transformModule(source, id, idOf));
    return id;
  };
  const entryId = visit(path.resolve(entry));
  const definitions = [...modules].map(([id, body]) =>
    `__modules.set(${JSON.stringify(id)}, function (__exports, __require) {\n'use strict';\n${body}\n});`);
  return [
    '(() => {',
    "'use strict';",
    'const __modules = new Map();',
    'const __instances = new Map();',
    'function __require(id) {',
    '  if (__instances.has(id)) return __instances.get(id);',
    '  const exports = {};',
    '  __instances.set(id, exports);',
    '  __modules.get(id)(exports, __require);',
    '  return exports;',
    '}',
    ...definitions,
    `__require(${JSON.stringify(entryId)});`,
    '})();',
  ].join('\n');
}
