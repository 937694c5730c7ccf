import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Retention of the audit log (MLPS level 3: at least six months; issue 14: ≥ 180 days). The platform's
 * policy is to keep every entry for ever: no code path of the server deletes, truncates or rewrites
 * entries or seals, and no route writes to the log (users/duties.test.ts); a deletion made outside the
 * platform is found by verify-audit (audit/coverage.test.ts, test/verify-audit-cli.test.ts). This test
 * reads every source file of the server (tests and migrations aside) and fails on any statement that
 * would delete or rewrite audit entries or seals.
 */
const SRC = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

const FORBIDDEN = [
  /\.delete\(\s*audit(Log|Seals)\s*\)/,
  /\.update\(\s*audit(Log|Seals)\s*\)/,
  /delete\s+from\s+"?audit_(log|seals)\b/i,
  /truncate\s+(table\s+)?"?audit_(log|seals)\b/i,
  /drop\s+table\s+(if\s+exists\s+)?"?audit_(log|seals)\b/i,
];

/** The one rewrite allowed: sealing sets the hash of the seal row it inserted in the same transaction. */
const ALLOWED = new Set(['modules/audit/seal.ts: .update(auditSeals)']);

describe('audit log retention', () => {
  it('no server code deletes, truncates or rewrites audit entries or seals', () => {
    const sources = files(SRC);
    expect(sources.length).toBeGreaterThan(50);
    const hits: string[] = [];
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      for (const re of FORBIDDEN) {
        const m = re.exec(text);
        const hit = m && `${path.relative(SRC, f)}: ${m[0]}`;
        if (hit && !ALLOWED.has(hit)) hits.push(hit);
      }
    }
    expect(hits).toEqual([]);
  });

  it('the scan finds what it looks for', () => {
    const sample = [
      'await tx.delete(auditLog).where(lt(auditLog.at, cutoff));',
      "await db.execute(sql`delete from audit_log where at < now() - interval '180 days'`);",
      'truncate table audit_seals',
      'await tx.update(auditSeals).set({ hash })',
    ];
    for (const s of sample)
      expect(
        FORBIDDEN.some((re) => re.test(s)),
        s,
      ).toBe(true);
  });
});
