import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import type { Delivery, OutboxRepo } from './repo.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail through SMTP when SMTP_URL is set, and always keeps a copy in the outbox table
 * (delivery 'smtp' when SMTP took it, 'outbox' otherwise), so an admin can read what went out
 * and a failed delivery is never lost. A failure is logged, never thrown at a request.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private readonly pending = new Set<Promise<void>>();
  private log: Pick<FastifyBaseLogger, 'warn' | 'error'> | null = null;

  constructor(
    private readonly config: Config,
    private readonly outbox: OutboxRepo,
    private readonly ids: IdGenerator,
  ) {
    this.transport = config.mail.smtpUrl
      ? nodemailer.createTransport({
          url: config.mail.smtpUrl,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        })
      : null;
  }

  /** Where failures are reported: the app's logger, once the app exists. */
  useLogger(log: Pick<FastifyBaseLogger, 'warn' | 'error'>): void {
    this.log = log;
  }

  /** A link into the web app, e.g. link('/reset-password', token). */
  link(path: string, token: string): string {
    return `${this.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }

  /** Sends now and resolves once the message is in the outbox (and SMTP, when configured). */
  async send(message: MailMessage): Promise<Delivery> {
    let delivery: Delivery = 'outbox';
    if (this.transport) {
      try {
        await this.transport.sendMail({ from: this.config.mail.from, ...message });
        delivery = 'smtp';
      } catch (error) {
        this.log?.warn({ err: error, subject: message.subject }, 'SMTP delivery failed; kept in the outbox');
      }
    }
    try {
      await this.outbox.insert({ id: this.ids.next(), ...message, delivery, createdAt: nowIso() });
    } catch (error) {
      this.log?.error({ err: error, subject: message.subject }, 'could not record mail in the outbox');
    }
    return delivery;
  }

  /**
   * Sends off the request path: the answer does not wait for SMTP, and takes the same time
   * whether or not a message goes out (no account enumeration by timing).
   */
  queue(work: () => Promise<MailMessage | null>): void {
    const job = work()
      .then((message) => (message ? this.send(message) : null))
      .then(
        () => undefined,
        (error: unknown) => void this.log?.error({ err: error }, 'could not prepare mail'),
      )
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when every queued message is sent or has failed (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.settled();
    this.transport?.close();
  }
}
