import type { Client } from '../../../test/helper';

/** A multipart/form-data body with one `file` field. */
export function multipart(filename: string, content: Buffer) {
  const boundary = '----pc' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Ids of a cycle (by code) and of the unit plan of an org unit (by code) in it. */
export async function planOf(c: Client, cycleCode: string, unitCode: string): Promise<string> {
  const cycleId = await cycleOf(c, cycleCode);
  const orgs = (await c.get('/api/orgs')).json().items as { id: string; code: string }[];
  const unitId = orgs.find((o) => o.code === unitCode)!.id;
  const plans = (await c.get(`/api/plans?cycleId=${cycleId}&appraiseeType=unit`)).json().items;
  return plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId).id;
}

export async function cycleOf(c: Client, code: string): Promise<string> {
  const cycles = (await c.get('/api/cycles')).json().items as { id: string; code: string }[];
  return cycles.find((x) => x.code === code)!.id;
}
