// The `modelquant transform …` command line that does what the page is about
// to do, for a person to copy into a terminal (POSIX shell quoting).

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word) {
  const text = String(word);
  if (text !== '' && SAFE_WORD.test(text)) return text;
  return `'${text.replaceAll("'", "'\\''")}'`;
}

// request: { recipe, shape } or { transforms }, plus optional inputs and
// outputs (arrays of names). Returns the words of the command, unquoted.
export function transformCommandWords({ inputFile, outputFile, request }) {
  const words = ['modelquant', 'transform', inputFile, '-o', outputFile];
  if (request.inputs?.length) words.push('--inputs', request.inputs.join(','));
  if (request.outputs?.length) words.push('--outputs', request.outputs.join(','));
  if (request.recipe) {
    words.push('--recipe', request.recipe);
    if (request.shape) words.push('--shape', request.shape);
  } else {
    words.push('--transforms', request.transforms ?? '');
  }
  return words;
}

export function transformCommandLine(options) {
  return transformCommandWords(options).map(shellQuote).join(' ');
}

// Splits a command line written by transformCommandLine back into words
// (single quotes, backslash-free), for tests and for copying.
export function splitCommandLine(line) {
  const words = [];
  let current = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      current = (current ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '\\') {
      current = (current ?? '') + line[i + 1];
      i += 1;
    } else if (/\s/.test(char)) {
      if (current !== null) words.push(current);
      current = null;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (current !== null) words.push(current);
  return words;
}
