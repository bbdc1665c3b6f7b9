// Writing transforms in the syntax of TensorFlow's transform_graph
// (--transforms): name(param=value, param=value) name2 ...
// A value made only of [A-Za-z0-9_./-] is written as it is, anything else in
// double quotes, as the core's format_transform does.

const BARE_VALUE = /^[A-Za-z0-9_./-]+$/;

export function formatValue(value) {
  const text = String(value);
  if (BARE_VALUE.test(text)) return text;
  // Inside quotes a backslash keeps the next character (TensorFlow's parser
  // keeps the backslash too), so a quote is the only character to escape.
  return `"${text.replaceAll('"', '\\"')}"`;
}

// { name: 'fold_constants', params: [['ignore_errors', 'true']] } →
// 'fold_constants(ignore_errors=true)'. A parameter listed twice is given
// twice (a list, as remove_nodes(op=Identity, op=CheckNumerics)).
export function formatTransform({ name, params = [] }) {
  if (params.length === 0) return name;
  return `${name}(${params.map(([key, value]) => `${key}=${formatValue(value)}`).join(', ')})`;
}

export function formatTransformList(transforms) {
  return transforms.map(formatTransform).join(' ');
}

// The names of the transforms in a transform string, in order (for the
// progress list and the output file name). Only a rough reading: the core
// parses the string for real and reports its errors.
export function transformNames(text) {
  const names = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '\\') i += 1;
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === '(') {
      if (depth === 0 && current) names.push(current);
      current = '';
      depth += 1;
    } else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (/\s/.test(char)) {
        if (current) names.push(current);
        current = '';
      } else current += char;
    }
  }
  if (current && depth === 0) names.push(current);
  return names;
}
