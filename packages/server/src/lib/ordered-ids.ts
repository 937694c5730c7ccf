import { randomBytes } from 'node:crypto';

/**
 * Row ids for one bulk import, in ascending order (UUID version 7: time, then a random part of this
 * import, then the row): the primary key index, and any index on the id's text (audit entries name
 * their entity by it), is appended to instead of written all over.
 */
export function orderedIds() {
  const time = Date.now().toString(16).padStart(12, '0');
  const rand = randomBytes(8).toString('hex');
  let n = 0;
  return () => {
    const row = (n++).toString(16).padStart(8, '0');
    return `${time.slice(0, 8)}-${time.slice(8)}-7${rand.slice(0, 3)}-${((parseInt(rand[3], 16) & 3) | 8).toString(16)}${rand.slice(4, 7)}-${rand.slice(7, 11)}${row}`;
  };
}
