import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Every import/export-from specifier of a file, type-only ones included. */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms)].map((m) => m[1]!);
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.normalize(path.join(path.dirname(from), specifier));
}

const src = sourceFiles('src');
const glue = (file: string) => file === path.join('src', 'extension.ts') || file.startsWith(path.join('src', 'workbench') + path.sep);

test('only the workbench glue imports vscode', () => {
  const offenders = src.filter((file) => !glue(file) && imports(file).includes('vscode'));
  assert.deepEqual(offenders, []);
});

test('domain code never imports the workbench glue', () => {
  const offenders = src.filter((file) => !glue(file) && imports(file).some((s) => resolveLocal(file, s)?.startsWith(path.join('src', 'workbench'))));
  assert.deepEqual(offenders, []);
});

test('the store does not depend on any feature', () => {
  const store = src.filter((file) => file.startsWith(path.join('src', 'store') + path.sep));
  const offenders = store.flatMap((file) =>
    imports(file)
      .map((s) => resolveLocal(file, s))
      .filter((target): target is string => !!target && !target.startsWith(path.join('src', 'store')) && !target.startsWith(path.join('src', 'shared')))
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(offenders, []);
});

// The browser bundle build fails on any node module pulled in transitively; this names direct ones.
test('webview code imports no node, store or vscode module', () => {
  const offenders = sourceFiles('webview').flatMap((file) =>
    imports(file)
      .filter((s) => s === 'vscode' || s.startsWith('node:') || s === 'better-sqlite3')
      .map((s) => `${file} -> ${s}`),
  );
  assert.deepEqual(offenders, []);
});

/** The cycles a depth-first walk of a directed graph meets, each as its path ("a -> b -> a"). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, trail: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

const fileGraph = new Map(src.map((file) => [file, imports(file).map((s) => resolveLocal(file, s)).filter((t): t is string => !!t && src.includes(t))]));

test('no import cycles between files in src/', () => {
  assert.deepEqual(cyclesOf(fileGraph), []);
});

/**
 * The folder a file belongs to for layering: a domain is src/<domain> with its subfolders
 * (src/framing/steps is framing), a piece of glue is src/workbench/<feature>; the glue's own
 * top-level files form src/workbench, and src/*.ts the entry points.
 */
function folderOf(file: string): string {
  const parts = file.split(path.sep);
  if (parts.length <= 2) return 'src';
  if (parts[1] === 'workbench') return parts.length <= 3 ? 'src/workbench' : `src/workbench/${parts[2]}`;
  return `src/${parts[1]}`;
}

test('no import cycles between folders in src/', () => {
  const folders = new Map<string, Set<string>>();
  const because = new Map<string, string>();
  for (const [file, targets] of fileGraph) {
    for (const target of targets) {
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      if (!folders.has(from)) folders.set(from, new Set());
      folders.get(from)!.add(to);
      because.set(`${from} -> ${to}`, `${file} -> ${target}`);
    }
  }
  const cycles = cyclesOf(new Map([...folders].map(([from, to]) => [from, [...to]])));
  // Each cycle names one file import per folder edge, so the message says where to cut.
  const explained = cycles.map((cycle) => {
    const hops = cycle.split(' -> ');
    return [cycle, ...hops.slice(1).map((to, i) => `  ${because.get(`${hops[i]} -> ${to}`)}`)].join('\n');
  });
  assert.deepEqual(explained, []);
});

// The audit trail's words are computed without a store, so every action can be tested as data.
test('the audit describer is pure: no store, database or vscode import', () => {
  const file = path.join('src', 'registry', 'auditDescribe.ts');
  const offenders = imports(file).filter((s) => s === 'vscode' || s === 'better-sqlite3' || resolveLocal(file, s) === path.join('src', 'store', 'database.ts'));
  assert.deepEqual(offenders, []);
});

// The push to a tracking server builds on the registry and tracking, never the other way round.
test('registry and tracking never import the MLflow server code', () => {
  const inside = (file: string, folder: string) => file.startsWith(path.join('src', folder) + path.sep);
  const offenders = src
    .filter((file) => inside(file, 'registry') || inside(file, 'tracking'))
    .flatMap((file) =>
      imports(file)
        .map((s) => resolveLocal(file, s))
        .filter((target): target is string => !!target && inside(target, 'mlflowServer'))
        .map((target) => `${file} -> ${target}`),
    );
  assert.deepEqual(offenders, []);
});

// Compare reads runs through tracking (and shares its direction guess); tracking never reaches up into Compare.
test('tracking does not depend on compare', () => {
  const tracking = src.filter((file) => file.startsWith(path.join('src', 'tracking') + path.sep));
  const offenders = tracking.flatMap((file) =>
    imports(file)
      .map((s) => resolveLocal(file, s))
      .filter((target): target is string => !!target && target.startsWith(path.join('src', 'compare')))
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(offenders, []);
});

// One responsibility per file: past 400 lines, find the seam and split. Generated protobuf code is exempt.
test('source and webview files stay under 400 lines', () => {
  const generated = path.join('src', 'tensorboard', 'proto') + path.sep;
  const long = [...src, ...sourceFiles('webview')]
    .filter((file) => !file.startsWith(generated))
    .map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8').split('\n').length] as const)
    .filter(([, lines]) => lines > 400);
  assert.deepEqual(long, []);
});
