// The module graph of the compiled library has no import cycle at run time.
//
// It reads the emitted JS under build/src (tsc erases type-only imports, so what is left is what
// Node loads) and looks for strongly connected components of the static import graph. A cycle
// makes load order matter (a module can see another's bindings before they are initialised).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** The relative modules a file imports or re-exports statically (dynamic `import()` loads lazily and is not an edge). */
export function staticImports(source: string): string[] {
  const specs: string[] = [];
  const re = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) specs.push(m[1]!);
  return specs;
}

/**
 * Tarjan's strongly connected components with more than one module. A module that imports its own
 * namespace (to hand it on, as np.ts does) involves no other module's load order, so it is no cycle.
 */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('the checker finds a cycle, and passes a chain and a self-import', () => {
  assert.equal(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  assert.equal(cycles(new Map([['a', ['a']]])), []);
  assert.equal(cycles(new Map([['a', ['b']], ['b', ['a']]])), [['a', 'b']]);
  assert.equal(cycles(new Map([['a', ['b']], ['b', []]])), []);
  assert.equal(staticImports(`import { x } from './a.js';\nimport type {} from './t.js';\nexport * from "../b.js";\nimport './c.js';\nconst m = import('./lazy.js');`),
    ['./a.js', './t.js', '../b.js', './c.js']);
});

test('build/src has no runtime import cycle', () => {
  const files = jsFiles(SRC);
  assert.ok(files.length > 50, `expected the compiled library under ${SRC}, found ${files.length} files`);
  const graph = new Map(files.map((f) => [relative(SRC, f), staticImports(readFileSync(f, 'utf8')).map((s) => relative(SRC, resolve(dirname(f), s)))]));
  const found = cycles(graph);
  assert.equal(found, [], `import cycles (strongly connected modules):\n${found.map((c) => '  ' + c.join(' ↔ ')).join('\n')}`);
});

test.run();
