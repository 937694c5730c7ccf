import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { users } from '../../db/schema';
import { decryptField, maskEmail, maskPhone } from '../../lib/crypto';

/**
 * The account's login contact as the user may see it on screen (PIPL: shown masked, 138****1234 or
 * w***@example.org): the phone when there is one, else the e-mail; null without either. The clear value
 * leaves the server only where the purpose needs it (the participant's own data download).
 */
export async function maskedContact(db: DbOrTx, userId: string): Promise<string | null> {
  const [u] = await db
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId));
  if (u?.phone) return maskPhone(decryptField(u.phone));
  if (u?.email) return maskEmail(decryptField(u.email));
  return null;
}
