#!/usr/bin/env node
// Serves the page locally, with no dependencies:
//   node web/serve.mjs [--port 8000] [--host 127.0.0.1]
// --port 0 picks a free port. The address is printed as "Serving <folder> at <url>".
// It answers GET and HEAD for files under web/ only, with the MIME types the
// page needs (application/wasm for the module, text/javascript for ES modules)
// and the same Content-Security-Policy as the page's meta tag.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB_ROOT = path.dirname(fileURLToPath(import.meta.url));

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.pb': 'application/octet-stream',
  '.pbtxt': 'text/plain; charset=utf-8',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Starts the server; resolves to { server, url } once it listens.
export function startServer({ root = WEB_ROOT, host = '127.0.0.1', port = 0, log = () => {} } = {}) {
  const rootDirectory = path.resolve(root);
  const server = createServer((request, response) => {
    serveFile(rootDirectory, request, response)
      .catch((error) => fail(response, 500, `internal error: ${error.message}`))
      .finally(() => log(`${request.method} ${request.url} ${response.statusCode}`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({ server, url: `http://${shownHost}:${address.port}/` });
    });
  });
}

async function serveFile(rootDirectory, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return fail(response, 405, 'only GET and HEAD are supported');
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    return fail(response, 400, 'malformed URL');
  }
  if (pathname.includes('\0')) return fail(response, 400, 'malformed URL');
  let filePath = path.resolve(rootDirectory, `.${pathname}`);
  if (filePath !== rootDirectory && !filePath.startsWith(rootDirectory + path.sep)) {
    return fail(response, 403, 'outside the served folder');
  }
  let info = await stat(filePath).catch(() => null);
  if (info?.isDirectory()) {
    filePath = path.join(filePath, 'index.html');
    info = await stat(filePath).catch(() => null);
  }
  if (!info?.isFile()) return fail(response, 404, `not found: ${pathname}`);

  response.writeHead(200, {
    'Content-Type': MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') return response.end();
  await new Promise((resolve, reject) => {
    createReadStream(filePath).on('error', reject).pipe(response).on('finish', resolve);
  });
}

function fail(response, statusCode, message) {
  if (response.headersSent) return response.destroy();
  response.writeHead(statusCode, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${message}\n`);
}

function parseArguments(argv) {
  const options = { port: 8000, host: '127.0.0.1', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inlineValue] = argv[i].split(/=(.*)/s, 2);
    const value = () => inlineValue ?? argv[++i];
    if (flag === '--port') options.port = Number(value());
    else if (flag === '--host') options.host = value();
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node web/serve.mjs [--port N] [--host ADDRESS] [--verbose]');
      process.exit(0);
    } else {
      console.error(`serve: unknown argument '${argv[i]}' (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    console.error('serve: --port needs a number from 0 to 65535');
    process.exit(2);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const options = parseArguments(process.argv.slice(2));
  startServer({ ...options, log: options.verbose ? (line) => console.log(line) : undefined })
    .then(({ url }) => console.log(`Serving ${WEB_ROOT} at ${url}`))
    .catch((error) => {
      console.error(`serve: cannot listen on ${options.host}:${options.port}: ${error.message}`);
      process.exit(1);
    });
}
