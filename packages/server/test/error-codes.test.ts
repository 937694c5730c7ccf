import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every error code the server can answer (`{error, message, details}`) has a localised text in the web's
 * `errorMessages.ts`, in Chinese and in English, so the console never shows the server's raw English message.
 * Codes are read from the source: `new AppError(status, 'code', …)`, `conflict(msg, details, 'code')`,
 * `badRequest(msg, details, 'code')` and `{ error: 'code' }` objects.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const serverSrc = join(root, 'packages', 'server', 'src');
const messagesFile = join(root, 'packages', 'web', 'src', 'shared', 'errorMessages.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

function serverCodes(): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  const add = (code: string, file: string) => codes.set(code, [...(codes.get(code) ?? []), file]);
  for (const file of sourceFiles(serverSrc)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const name = relative(root, file);
    const visit = (n: ts.Node) => {
      if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments) {
        const callee = n.expression;
        const fn = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : '';
        const literal = (i: number) => {
          const a = n.arguments?.[i];
          return a && ts.isStringLiteralLike(a) ? a.text : undefined;
        };
        const code =
          fn === 'AppError' ? literal(1) : fn === 'conflict' || fn === 'badRequest' ? literal(2) : undefined;
        if (code) add(code, name);
      }
      if (
        ts.isPropertyAssignment(n) &&
        ts.isIdentifier(n.name) &&
        n.name.text === 'error' &&
        ts.isStringLiteralLike(n.initializer)
      ) {
        add(n.initializer.text, name);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return codes;
}

/** The keys of `code: {…}` inside the exported object `exportName` of the web's messages file. */
function messageCodes(exportName: 'zh' | 'en'): Set<string> {
  const sf = ts.createSourceFile(
    messagesFile,
    readFileSync(messagesFile, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== exportName || !d.initializer) continue;
      if (!ts.isObjectLiteralExpression(d.initializer)) continue;
      const code = d.initializer.properties.find(
        (p): p is ts.PropertyAssignment =>
          ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'code',
      );
      if (!code || !ts.isObjectLiteralExpression(code.initializer)) break;
      return new Set(
        code.initializer.properties.flatMap((p) =>
          p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
        ),
      );
    }
  }
  throw new Error(`no ${exportName}.code in ${messagesFile}`);
}

describe('error codes are localised in the web', () => {
  const codes = serverCodes();

  it('finds the server codes', () => {
    // A guard against the scan silently finding nothing after a refactor.
    expect(codes.size).toBeGreaterThan(40);
    expect(codes.has('publication_blocked')).toBe(true);
  });

  for (const lang of ['zh', 'en'] as const) {
    it(`every code has a ${lang} text`, () => {
      const have = messageCodes(lang);
      const missing = [...codes.keys()].filter((c) => !have.has(c)).map((c) => `${c} (${codes.get(c)![0]})`);
      expect(missing).toEqual([]);
    });
  }
});
