import nodemailer from 'nodemailer';
import type { Env } from '../../env';

/** One message as a channel sends it. */
export interface Delivery {
  to: string;
  subject: string;
  text: string;
  /** The outbox row's idempotency key: the e-mail's Message-ID, the SMS request's key. */
  key: string;
}

/** A way out of the platform; throws when the message was not accepted (it is then retried). */
export interface Channel {
  send(message: Delivery): Promise<void>;
  close?(): void;
}

/** E-mail over SMTP (nodemailer); `SMTP_URL` such as `smtp://user:pass@mail.example.org:587`. */
export function smtpChannel(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Channel | null {
  if (!env.SMTP_URL) return null;
  const url = new URL(env.SMTP_URL);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(m) {
      await transport.sendMail({
        from: env.MAIL_FROM,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // The same key on a resend lets the receiving side drop a duplicate.
        messageId: `<${m.key}@perfcommons>`,
        headers: { 'X-PerfCommons-Key': m.key },
      });
    },
    close: () => transport.close(),
  };
}

/**
 * SMS through an HTTP gateway: `POST SMS_HTTP_URL` with JSON `{to, text, idempotencyKey}` and
 * `Authorization: Bearer SMS_HTTP_TOKEN`; any 2xx is accepted, anything else is retried. Providers
 * with another API sit behind a small adapter implementing {@link Channel}.
 */
export function httpSmsChannel(env: Pick<Env, 'SMS_HTTP_URL' | 'SMS_HTTP_TOKEN'>): Channel | null {
  if (!env.SMS_HTTP_URL) return null;
  const url = env.SMS_HTTP_URL;
  return {
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': m.key,
          ...(env.SMS_HTTP_TOKEN ? { authorization: `Bearer ${env.SMS_HTTP_TOKEN}` } : {}),
        },
        body: JSON.stringify({ to: m.to, text: m.text, idempotencyKey: m.key }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    },
  };
}
