#!/usr/bin/env node
/**
 * Counts type assertions (`x as T` and `<T>x`, not `as const`) in packages/<name>/src with the
 * TypeScript parser, for the closing notes of typing work. Prints the total and one line per package
 * (casts, files with a cast, files read), source and test files (`*.test.ts(x)`) apart.
 *
 *   node scripts/count-casts.mjs            # summary
 *   node scripts/count-casts.mjs --files    # and the files with casts, most first
 *   node scripts/count-casts.mjs --json     # the figures as JSON
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const isAsConst = (type) =>
  ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'const';

function countCasts(path) {
  const text = readFileSync(path, 'utf8');
  const kind = path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  let n = 0;
  const visit = (node) => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isAsConst(node.type)) n++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return n;
}

const packagesDir = join(root, 'packages');
const rows = [];
for (const pkg of readdirSync(packagesDir, { withFileTypes: true })) {
  if (!pkg.isDirectory()) continue;
  const src = join(packagesDir, pkg.name, 'src');
  let files;
  try {
    files = [...sourceFiles(src)];
  } catch {
    continue; // no src folder
  }
  for (const file of files) {
    rows.push({
      pkg: pkg.name,
      file: relative(root, file),
      test: /\.test\.tsx?$/.test(file),
      casts: countCasts(file),
    });
  }
}

const summarize = (list) => ({
  casts: list.reduce((s, r) => s + r.casts, 0),
  filesWithCasts: list.filter((r) => r.casts > 0).length,
  files: list.length,
});
const split = (list) => ({
  code: summarize(list.filter((r) => !r.test)),
  tests: summarize(list.filter((r) => r.test)),
});
const packages = [...new Set(rows.map((r) => r.pkg))].sort();
const byPackage = Object.fromEntries(packages.map((p) => [p, split(rows.filter((r) => r.pkg === p))]));
const total = split(rows);

if (args.has('--json')) {
  console.log(JSON.stringify({ total, byPackage }, null, 2));
} else {
  const cell = (s) =>
    `${String(s.casts).padStart(4)} casts in ${String(s.filesWithCasts).padStart(3)} of ${String(s.files).padStart(3)} files`;
  const line = (name, s) => `${name.padEnd(10)} code ${cell(s.code)} | tests ${cell(s.tests)}`;
  console.log(line('total', total));
  for (const p of packages) console.log(line(p, byPackage[p]));
  if (args.has('--files')) {
    console.log('');
    const withCasts = rows.filter((r) => r.casts > 0);
    withCasts.sort((a, b) => b.casts - a.casts || a.file.localeCompare(b.file));
    for (const r of withCasts) console.log(`${String(r.casts).padStart(4)}  ${r.file}`);
  }
}
