// `npm run web`: serves the repository root on 127.0.0.1 and prints the live training page's
// address (examples/web/, built by `npm run build`). PORT sets the port (default 8080; 0 = any).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveRoot } from './static-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'build/examples/web/app.js'))) {
  console.error('build/examples/web/app.js is missing: run `npm run build` first');
  process.exit(1);
}
const { base } = await serveRoot(root, Number(process.env.PORT ?? 8080));
console.log(`cotangent's live training page: ${base}/examples/web/`);
console.log('(WebGPU needs a browser that exposes navigator.gpu; Chromium on Linux without a GPU: --enable-unsafe-webgpu. Ctrl-C stops the server.)');
