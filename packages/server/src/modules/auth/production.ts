import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { DEMO_PASSWORD } from '../../seed/demo-city';
import { verifyPassword } from './password';

/** scrypt runs on libuv's thread pool (4 threads by default): this many verifications at once. */
const PARALLEL = 4;

/**
 * Active accounts that still log in with the demo password (`demo1234`), found without trying
 * the password against every account:
 * - each distinct stored hash is tried once: the demo seed hashes the password once and gives every
 *   demo account that same hash (same salt), so a whole demo city costs one scrypt (~35 ms);
 * - accounts whose password was set through a path that enforces the policy (`password_set_at`: init,
 *   import, reset, change; random or at least 10 characters) cannot hold the 8-character demo password
 *   and are skipped, so a production install started with `init` has next to nothing to try;
 * - accounts of public participants only (role `public`) who chose their own password at registration
 *   are skipped unless they share their hash with another account (which only a bulk seed produces):
 *   a citizen picking `demo1234` must not be able to stop the server from starting, and the 40 demo
 *   citizens are still caught by the shared seed hash.
 */
export async function demoPasswordAccounts(db: Db): Promise<string[]> {
  const candidates = await rowsOf<{ username: string; password_hash: string }>(
    db,
    sql`select username, password_hash from (
          select u.username, u.password_hash,
                 count(*) over (partition by u.password_hash) as sharing,
                 exists (select 1 from role_assignments r where r.user_id = u.id and r.role = 'public')
                   and not exists (select 1 from role_assignments r where r.user_id = u.id and r.role <> 'public')
                   as public_only
          from users u
          where not u.disabled and u.password_set_at is null
        ) c
        where not public_only or sharing > 1
        order by username`,
  );
  const hashes = [...new Set(candidates.map((c) => c.password_hash))];
  const demo = new Set<string>();
  for (let i = 0; i < hashes.length; i += PARALLEL) {
    const batch = hashes.slice(i, i + PARALLEL);
    const hits = await Promise.all(batch.map((h) => verifyPassword(DEMO_PASSWORD, h)));
    batch.forEach((h, k) => hits[k] && demo.add(h));
  }
  return candidates.filter((c) => demo.has(c.password_hash)).map((c) => c.username);
}

/**
 * Why a production start must be refused, or null when it may go on: any active account that logs in
 * with the published demo password is an open door (the demo city loaded into this database, or a
 * backup of it restored). The message names the count, some of the accounts and the fix.
 */
export async function productionRefusal(db: Db): Promise<string | null> {
  const names = await demoPasswordAccounts(db);
  if (names.length === 0) return null;
  const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? ', …' : '');
  return [
    `Refusing to start in production (NODE_ENV=production): ${names.length} account(s) still have the demo password (${shown}).`,
    'This database holds the demo city or accounts copied from it. Fix: start from an empty database',
    '(a new DATA_DIR or DATABASE_URL) and run `perfcommons init --admin <username>`; for a few accounts,',
    '`perfcommons reset-password --user <username>` gives each a new one-time password.',
  ].join('\n');
}
