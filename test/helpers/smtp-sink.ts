import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { linkToken } from './links.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: ParsedMail['headerLines'];
  raw: string;
}

/** Decides the reply to a message's DATA: accept (undefined) or an SMTP error code. */
export type SinkBehaviour = (mail: ReceivedMail, attempt: number) => number | undefined;

/**
 * A real SMTP server on 127.0.0.1 (smtp-server), parsing what it receives with mailparser. Its
 * behaviour can refuse messages with chosen reply codes, to test retries and dead letters.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  readonly refused: Array<{ mail: ReceivedMail; code: number }> = [];
  behaviour: SinkBehaviour = () => undefined;
  /** Milliseconds to wait before answering DATA: keeps a batch in flight. */
  delayMs = 0;
  /** Messages whose DATA arrived, answered or not yet. */
  arrived = 0;
  /** Connections that failed (a client that went away mid-message), kept rather than thrown. */
  readonly connectionErrors: Error[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly server: SMTPServer;
  port = 0;

  /**
   * `closeTimeoutMs`: how long `stop()` lets connected clients finish before it answers them 421
   * and hangs up (smtp-server waits 30 s by default); short, to take the server down at once.
   */
  constructor(options: { closeTimeoutMs?: number } = {}) {
    this.server = new SMTPServer({
      ...(options.closeTimeoutMs === undefined ? {} : { closeTimeout: options.closeTimeoutMs }),
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          try {
            const raw = Buffer.concat(chunks).toString('utf8');
            const parsed = await simpleParser(raw);
            const mail: ReceivedMail = {
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              headers: parsed.headerLines,
              raw,
            };
            this.arrived++;
            const attempt = (this.attempts.get(mail.messageId) ?? 0) + 1;
            this.attempts.set(mail.messageId, attempt);
            if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
            const code = this.behaviour(mail, attempt);
            if (code) {
              this.refused.push({ mail, code });
              callback(
                Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), {
                  responseCode: code,
                }),
              );
              return;
            }
            this.received.push(mail);
            callback();
          } catch (error) {
            callback(error as Error);
          }
        });
      },
    });
    // A client that dies in the middle of a message (a killed worker) resets its connection;
    // smtp-server reports that as an 'error' event, which would crash the test process unheard.
    this.server.on('error', (error) => this.connectionErrors.push(error));
  }

  /** Listens on `port` (a free one by default; a given one to come back where a sink went down). */
  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Waits until `count` messages were accepted (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, received ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received;
  }

  /**
   * The messages accepted for `address` (compared without regard to case), once there are at least
   * `count` of them (or fails after `timeoutMs`).
   */
  async mailTo(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = this.received.filter((mail) => mail.to.toLowerCase() === address.toLowerCase());
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`expected ${count} messages to ${address}, received ${mails.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The invitation link in a message's text. */
  static link(mail: ReceivedMail): string {
    const match = /https?:\/\/\S+\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text);
    if (!match) throw new Error(`no invitation link in: ${mail.text}`);
    return match[0];
  }

  static token(mail: ReceivedMail): string {
    return linkToken(SmtpSink.link(mail));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
