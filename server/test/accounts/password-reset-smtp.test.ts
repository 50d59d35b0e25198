import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { Browser, linkIn, signUp } from './browser.js';

interface Captured {
  from: string;
  to: string[];
  raw: string;
}

/** The text of a captured message, decoding quoted-printable soft breaks and escapes. */
function bodyOf(raw: string): string {
  const [headers = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(headers)) return body;
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe(`password reset through a real SMTP server on loopback (${TEST_DATABASE})`, () => {
  const received: Captured[] = [];
  const waiters: (() => void)[] = [];
  let smtp: SMTPServer;
  let t: TestApp;

  /** Resolves with the first captured message to `address`, waiting for it if need be. */
  async function mailTo(address: string): Promise<Captured> {
    for (;;) {
      const found = received.find((m) => m.to.includes(address));
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          waiters.splice(0).forEach((wake) => wake());
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    t = await buildTestApp({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'Corkboard <robot@corkboard.test>',
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('mails a reset link that sets a new password, and keeps the message in the outbox as sent by SMTP', async () => {
    await signUp(t.app, {
      username: 'smtp_user',
      email: 'smtp_user@example.test',
      password: 'forgot this one',
    });
    const browser = new Browser(t.app);
    const asked = await browser.post('/api/auth/password-reset', { email: 'smtp_user@example.test' });
    expect(asked.statusCode).toBe(202);

    await t.app.ctx.mailer.settled();
    const resetMail = received.find(
      (m) => m.to.includes('smtp_user@example.test') && /Subject: Reset/i.test(m.raw),
    );
    expect(resetMail).toBeDefined();
    expect(resetMail!.from).toBe('robot@corkboard.test');
    const { url, token } = linkIn(bodyOf(resetMail!.raw), '/reset-password');
    expect(`${url.origin}${url.pathname}`).toBe(`${t.config.publicUrl}/reset-password`);

    const confirm = await browser.post('/api/auth/password-reset/confirm', {
      token,
      new_password: 'a brand new one',
    });
    expect(confirm.statusCode).toBe(204);
    const login = await browser.post('/api/auth/login', {
      username_or_email: 'smtp_user',
      password: 'a brand new one',
    });
    expect(login.statusCode).toBe(200);
    expect((await browser.get('/api/auth/me')).json().username).toBe('smtp_user');

    const outbox = await t.app.ctx.admin.listOutbox({ pageSize: 25 });
    const row = outbox.items.find((m) => m.to === 'smtp_user@example.test' && m.subject.startsWith('Reset'));
    expect(row).toMatchObject({ delivery: 'smtp' });
    expect(row!.text).toContain(`/reset-password?token=${token}`);
  });

  it('sends the verification link through SMTP at sign-up', async () => {
    await signUp(t.app, { username: 'smtp_verify', email: 'smtp_verify@example.test' });
    const mail = await mailTo('smtp_verify@example.test');
    const { token } = linkIn(bodyOf(mail.raw), '/verify-email');
    const res = await new Browser(t.app).post('/api/auth/verify-email', { token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'smtp_verify', email_verified: true });
  });
});

describe(`mail when the SMTP server is unreachable (${TEST_DATABASE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    t = await buildTestApp({ SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('still answers the request and keeps the message in the outbox', async () => {
    const { res } = await signUp(t.app, { username: 'no_smtp', email: 'no_smtp@example.test' });
    expect(res.statusCode).toBe(201);
    await t.app.ctx.mailer.settled();
    const outbox = await t.app.ctx.admin.listOutbox({ pageSize: 25 });
    expect(outbox.items.find((m) => m.to === 'no_smtp@example.test')).toMatchObject({ delivery: 'outbox' });
  });
});
