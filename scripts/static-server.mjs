// A static file server for the repository root on 127.0.0.1, as the browser pages need it: the
// ES build under build/, fp-ts's ES build (whose files import their siblings without '.js', so
// a path X may mean X.js), and no caching. Used by `npm run web` and the page's browser test.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.map': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/**
 * Serves `root` on 127.0.0.1:`port` (0: any free port); resolves with the server and its base URL.
 * `route(req, res, url)`, when given, sees each request first and returns true if it answered it
 * (the browser test's POST /event).
 */
export async function serveRoot(root, port = 0, route = () => false) {
  const notFound = [];
  const fileFor = (urlPath) => {
    const path = resolve(root, `.${decodeURIComponent(urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath)}`);
    if (path !== root && !path.startsWith(root + sep)) return null;
    for (const candidate of [path, `${path}.js`]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    return null;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (route(req, res, url)) return;
    const file = req.method === 'GET' ? fileFor(url.pathname) : null;
    if (!file) {
      if (url.pathname !== '/favicon.ico') notFound.push(url.pathname);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((r, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', r); });
  return { server, notFound, base: `http://127.0.0.1:${server.address().port}` };
}
