import type { Db } from '../packages/server/src/db/client';
import { users } from '../packages/server/src/db/schema';
import type { Actor } from '../packages/server/src/lib/actor';

/** Creates the performance office account of a bench database and answers it as an actor. */
export async function benchOffice(db: Db): Promise<Actor> {
  const [u] = await db
    .insert(users)
    .values({ username: 'office', passwordHash: 'x', displayName: '绩效办' })
    .returning();
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    displayNameEn: null,
    roles: [{ role: 'office', orgUnitId: null, orgPath: null }],
  };
}
