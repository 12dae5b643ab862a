// The extension's modules import one another without a cycle. A cycle makes the order in
// which modules run depend on which one a page loads first: a constant read before the
// module that declares it has run throws in one page and not in another. No browser:
// the imports are read from the sources.
// node --test tests/e2e/imports.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXTENSION = join(ROOT, 'extension');
/** Built and generated files: the wasm bindings import nothing of ours, dist is a copy. */
const SKIPPED = new Set(['wasm', 'dist', 'node_modules']);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/**
 * The relative module specifiers `source` imports or re-exports: `import … from '…'`,
 * `import '…'`, `export … from '…'` and `import('…')`. Comments are removed first, so a
 * commented-out import does not count.
 */
export function specifiers(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) found.push(match[2]);
  }
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** The graph: each module (relative to extension/) to the modules it imports. */
function graph() {
  const edges = new Map();
  for (const file of sources(EXTENSION)) {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .map((s) => resolve(dirname(file), s))
      // Generated at build time (extension/wasm/); absent from a fresh clone.
      .filter((target) => existsSync(target) && !relative(EXTENSION, target).startsWith('wasm/'))
      .map((target) => relative(EXTENSION, target));
    edges.set(relative(EXTENSION, file), [...new Set(targets)]);
  }
  return edges;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
export function cycles(edges) {
  const found = [];
  const state = new Map(); // module → 'open' while on the path, 'done' once walked
  const path = [];
  const walk = (node) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) walk(node);
  return found;
}

test('the import scanner reads every form of import and skips comments', () => {
  const source = [
    "import { a } from './a.js';",
    "import * as b from '../b.js';",
    "import c, {\n  d,\n} from \"./c.js\";",
    "import './side.js';",
    "export { e } from './e.js';",
    "export * from './f.js';",
    "const g = await import('./g.js');",
    "// import { h } from './h.js';",
    "/* import { i } from './i.js'; */",
    "import { api } from 'chrome-api';",
    "const url = 'https://example.org/x.js'; // from './j.js'",
  ].join('\n');
  assert.deepEqual(specifiers(source).sort(), ['../b.js', './a.js', './c.js', './e.js', './f.js', './g.js', './side.js']);
});

test('the cycle finder reports a cycle and passes a tree', () => {
  const tree = new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]);
  assert.deepEqual(cycles(tree), []);
  const loop = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]);
  assert.deepEqual(cycles(loop), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a', 'a']]);
});

test('no import cycle among the extension modules', () => {
  const edges = graph();
  assert.ok(edges.has('save.js') && edges.get('background.js').includes('save.js'), 'the scanner found the modules');
  const found = cycles(edges);
  assert.deepEqual(found.map((cycle) => cycle.join(' → ')), []);
});
