// Lists import cycles among the sources, counting type-only imports too (ESLint's import-x/no-cycle skips those).
// Usage: node scripts/import-cycles.mjs [folder=src]; exits 1 when there is a cycle.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? 'src');
const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, jsx: ts.JsxEmit.ReactJSX };
const host = ts.createCompilerHost(options);

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = sources(root);
const edges = new Map();
for (const file of files) {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const { fileName } of info.importedFiles) {
    const resolved = ts.resolveModuleName(fileName, file, options, host).resolvedModule?.resolvedFileName;
    if (resolved && resolved.startsWith(root + path.sep) && !resolved.includes('node_modules')) targets.add(resolved);
  }
  edges.set(file, [...targets]);
}

// Tarjan's strongly connected components: every component with more than one file is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const components = [];
function visit(node) {
  state.set(node, { index, low: index, onStack: true });
  index += 1;
  stack.push(node);
  for (const next of edges.get(node) ?? []) {
    if (!state.has(next)) {
      visit(next);
      state.get(node).low = Math.min(state.get(node).low, state.get(next).low);
    } else if (state.get(next).onStack) {
      state.get(node).low = Math.min(state.get(node).low, state.get(next).index);
    }
  }
  if (state.get(node).low === state.get(node).index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component);
  }
}
for (const file of files) if (!state.has(file)) visit(file);

for (const component of components) {
  console.log(`cycle of ${component.length} files:`);
  for (const file of component.sort()) console.log(`  ${path.relative(process.cwd(), file)}`);
}
console.log(`${files.length} files, ${components.length} import cycles`);
process.exitCode = components.length > 0 ? 1 : 0;
