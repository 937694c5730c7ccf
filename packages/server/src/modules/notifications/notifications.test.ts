import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { notificationOutbox, notifications, users } from '../../db/schema';
import { encryptField } from '../../lib/crypto';
import { requestRevision } from '../monitoring/agreements';
import { notify } from '../monitoring/notifications';
import { loadEnv } from '../../env';
import { httpSmsChannel, smtpChannel } from './channels';
import { drainOutbox } from './sender';

interface Mail {
  to: string;
  raw: string;
}
const mails: Mail[] = [];
const sms: { auth?: string; body: { to: string; text: string; idempotencyKey: string } }[] = [];
/** How many of the next messages the SMTP server refuses (451, a temporary failure). */
let refuseNext = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        const err = Object.assign(new Error('Try again later (test)'), { responseCode: 451 });
        return callback(err);
      }
      for (const r of session.envelope.rcptTo)
        mails.push({ to: r.address, raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});
const gateway: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    sms.push({ auth: req.headers.authorization, body: JSON.parse(body) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});

let t: TestApp;
let f: Factory;
let planId: string;
let manager: FactoryUser;
let reader: FactoryUser;
let optedOut: FactoryUser;

/**
 * One pass of the outbox sender, as its job runs it (the job's own timer is an hour away, so no pass
 * happens behind the test's back): when it returns, what it sent has reached the test servers.
 * Retries are due at once (`retrySeconds: 0`), so a refused message is retried within the pass.
 */
async function drain() {
  const env = loadEnv();
  const email = smtpChannel(env);
  try {
    return await drainOutbox(t.db, { email, sms: httpSmsChannel(env) }, { retrySeconds: 0 });
  } finally {
    email?.close?.();
  }
}

const outboxOf = (userIds: string[]) =>
  t.db.select().from(notificationOutbox).where(inArray(notificationOutbox.userId, userIds));

beforeAll(async () => {
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const smsPort = (gateway.address() as AddressInfo).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  process.env.MAIL_FROM = 'PerfCommons <noreply@perfcommons.test>';
  process.env.SMS_HTTP_URL = `http://127.0.0.1:${smsPort}/sms`;
  process.env.SMS_HTTP_TOKEN = 'sms-secret';
  process.env.NOTIFY_INTERVAL_SECONDS = '3600';
  process.env.JOB_POLL_SECONDS = '0.5';
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  const unit = await f.org();
  const cycle = await f.cycle({ stage: 'planning' });
  planId = (await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, status: 'approved' })).id;
  manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  reader = await f.user([{ role: 'office' }]);
  optedOut = await f.user([{ role: 'office' }]);
  for (const [u, n] of [
    [reader, 1],
    [optedOut, 2],
  ] as const)
    await t.db
      .update(users)
      .set({ email: encryptField(`office${n}@example.org`), phone: encryptField(`1380000000${n}`) })
      .where(eq(users.id, u.id));
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise((r) => gateway.close(r));
});

describe('notification channels', () => {
  it('lets each user choose channels, in-platform only by default', async () => {
    const c = await reader.login();
    expect((await c.get('/api/notifications/settings')).json()).toEqual({
      inApp: true,
      email: false,
      sms: false,
      emailAddress: true,
      smsNumber: true,
      emailConfigured: true,
      smsConfigured: true,
    });
    const res = await c.put('/api/notifications/settings', { inApp: true, email: true, sms: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inApp: true, email: true, sms: true });
    const off = await (
      await optedOut.login()
    ).put('/api/notifications/settings', { inApp: false, email: false, sms: false });
    expect(off.json()).toMatchObject({ inApp: false, email: false, sms: false });
    const bad = await c.put('/api/notifications/settings', { inApp: true, email: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect((await t.anon.get('/api/notifications/settings')).statusCode).toBe(401);
  });

  it('sends an event’s e-mail and SMS once, from the outbox written with the event', async () => {
    await requestRevision(t.db, manager.actor, planId, {
      justification: 'Target revised after the flood (test)',
      changes: [{ code: 'A1', field: 'target', to: 7 }],
    });
    // Written by the event's transaction: one row per chosen channel, none for the user who opted out.
    const rows = await outboxOf([reader.id, optedOut.id]);
    expect(rows.map((r) => [r.userId, r.channel]).sort()).toEqual(
      [
        [reader.id, 'email'],
        [reader.id, 'sms'],
      ].sort(),
    );
    expect(await drain()).toMatchObject({ sent: 2, failed: 0, retried: 0 });
    const mail = mails.find((m) => m.to === 'office1@example.org')!;
    expect(mail.raw).toMatch(/Plan revision requested/);
    expect(mail.raw).toMatch(
      new RegExp(`Message-ID: <${rows.find((r) => r.channel === 'email')!.idempotencyKey}@`),
    );
    const text = sms.find((s) => s.body.to === '13800000001')!;
    expect(text.auth).toBe('Bearer sms-secret');
    expect(text.body.text).toMatch(/计划调整申请/);
    // Two more passes of the sender: nothing is sent again.
    for (let i = 0; i < 2; i++) expect(await drain()).toEqual({ sent: 0, failed: 0, retried: 0, skipped: 0 });
    expect(mails.filter((m) => m.to === 'office1@example.org')).toHaveLength(1);
    expect(sms.filter((s) => s.body.to === '13800000001')).toHaveLength(1);
    const sent = await outboxOf([reader.id]);
    expect(sent.every((r) => r.state === 'sent' && r.sentAt !== null && r.attempts === 1)).toBe(true);
    // In the platform: the reader has the message, the user who opted out of everything has nothing.
    const inApp = await t.db
      .select()
      .from(notifications)
      .where(inArray(notifications.userId, [reader.id, optedOut.id]));
    expect(inApp.map((n) => n.userId)).toEqual([reader.id]);
    expect(mails.some((m) => m.to === 'office2@example.org')).toBe(false);
    expect(sms.some((s) => s.body.to === '13800000002')).toBe(false);
  });

  it('retries an e-mail the SMTP server refuses, and delivers it once', async () => {
    refuseNext = 2;
    const before = mails.length;
    await t.db.transaction((tx) =>
      notify(tx, [
        { userId: reader.id, kind: 'reporting_reminder', title: '请报送数据', titleEn: 'Values due' },
      ]),
    );
    // Refused twice, sent on the third attempt (the SMS goes out once beside it).
    expect(await drain()).toEqual({ sent: 2, failed: 0, retried: 2, skipped: 0 });
    const delivered = mails.slice(before).find((m) => m.raw.includes('Values due'))!;
    expect(delivered.to).toBe('office1@example.org');
    const [row] = (await outboxOf([reader.id])).filter(
      (r) => r.channel === 'email' && r.title === '请报送数据',
    );
    expect(row).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    expect(await drain()).toMatchObject({ sent: 0 });
    expect(mails.slice(before).filter((m) => m.raw.includes('Values due'))).toHaveLength(1);
  });

  it('writes nothing to the outbox when the event’s transaction rolls back', async () => {
    const before = (await outboxOf([reader.id])).length;
    await expect(
      t.db.transaction(async (tx) => {
        await notify(tx, [{ userId: reader.id, kind: 'early_warning', title: '预警', titleEn: 'Warning' }]);
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    expect((await outboxOf([reader.id])).length).toBe(before);
  });
});
