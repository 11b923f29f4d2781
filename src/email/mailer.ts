import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type nodemailerModule from 'nodemailer';
import type addressParserModule from 'nodemailer/lib/addressparser';
import type * as mimeFuncsModule from 'nodemailer/lib/mime-funcs';
import type { Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';

export interface OutgoingMail {
  /** Stable per outbox message, so a repeated delivery is recognizably the same message. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The sender's display name, instead of MAIL_FROM's (the address stays MAIL_FROM's). */
  fromName?: string | undefined;
  /** Logged by the development mailbox, which has no other way to hand the link over. */
  link?: string;
}

/** Loaded by the processes that send mail: an API process without a worker never needs it. */
const nodemailer = () => createRequire(import.meta.url)('nodemailer') as typeof nodemailerModule;
const mimeFuncs = () => createRequire(import.meta.url)('nodemailer/lib/mime-funcs') as typeof mimeFuncsModule;
const addressParser = () =>
  createRequire(import.meta.url)('nodemailer/lib/addressparser') as typeof addressParserModule;

/** A delivery failure: permanent (a 5xx reply) or worth retrying (a 4xx reply, a lost connection). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Mailer {
  readonly kind: 'smtp' | 'mailbox';
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** Header values come from people (organization and inviter names): no control character survives. */
export function headerSafe(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a header must not carry
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/**
 * The subject as it goes into the header. Text that looks like an RFC 2047 encoded word
 * (`=?utf-8?B?…?=`, from an organization or inviter name) is encoded itself: nodemailer passes a
 * well-formed encoded word through untouched, and the recipient's mail program would decode it
 * into text nobody checked (line breaks, a made-up subject).
 */
export function subjectHeader(subject: string): string {
  const safe = headerSafe(subject);
  return safe.includes('=?') ? mimeFuncs().encodeWord(safe, 'Q', 52) : safe;
}

/** MAIL_FROM's address alone (`Tessera <no-reply@example.com>` → `no-reply@example.com`). */
export function senderAddress(mailFrom: string): string {
  const [first] = addressParser()(mailFrom, { flatten: true }) as Array<{ address?: string }>;
  return first?.address || mailFrom;
}

/** Characters that reorder text around them: in a sender's name they could make it read as another. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/**
 * What a name shown as an email's sender must not hold: characters that reorder it, what makes it
 * look like an address (`PayPal <service@paypal.com>` shown where the address stays MAIL_FROM's),
 * and an encoded word, which a mail program decodes (even quoted) into text nobody checked.
 */
export function senderNameProblem(name: string): string | undefined {
  if (BIDI_CONTROLS.test(name)) return 'must not contain bidirectional control characters';
  if (/[@<>]/.test(name))
    return 'must not contain @, < or > (it is shown as the sender, and must not read as an address)';
  if (name.includes('=?')) return 'must not contain "=?" (a mail program would decode it as an encoded word)';
  return undefined;
}

/**
 * The From header: MAIL_FROM, or its address under the display name the mail asks for. Nodemailer
 * quotes and encodes a name given apart from the address, so no name can add an address or a
 * header; a name that could pass for something else (an organization named before the rule) is
 * not used, and the mail goes out under MAIL_FROM's own name.
 */
function sender(mailFrom: string, mail: OutgoingMail): string | { name: string; address: string } {
  const name = mail.fromName === undefined ? '' : headerSafe(mail.fromName);
  return name && !senderNameProblem(name) ? { name, address: senderAddress(mailFrom) } : mailFrom;
}

/** The nodemailer message for an outgoing mail: the same for SMTP and the development mailbox. */
function message(from: string, mail: OutgoingMail) {
  return {
    from: sender(from, mail),
    to: mail.to,
    subject: subjectHeader(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
  };
}

function classify(error: unknown): DeliveryError {
  const { responseCode, response, code, message } = error as {
    responseCode?: number;
    response?: string;
    code?: string;
    message?: string;
  };
  if (typeof responseCode === 'number') {
    return new DeliveryError(`${response ?? responseCode}`.slice(0, 500), responseCode >= 500);
  }
  return new DeliveryError(`${code ?? 'ERROR'}: ${message ?? String(error)}`.slice(0, 500), false);
}

/** Pooled SMTP: a few long-lived connections carry every message. */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    poolSize: number,
  ) {
    // Options in the URL's query win; these are the defaults. Timeouts stay well inside a worker's
    // lease, so that a stalled server fails a message rather than outliving the lease.
    const defaults: Record<string, string> = {
      pool: 'true',
      maxConnections: String(poolSize),
      maxMessages: '1000',
      connectionTimeout: '10000',
      greetingTimeout: '10000',
      socketTimeout: '30000',
    };
    const url = new URL(smtpUrl);
    for (const [option, value] of Object.entries(defaults)) {
      if (!url.searchParams.has(option)) url.searchParams.set(option, value);
    }
    this.transport = nodemailer().createTransport(url.toString());
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail(message(this.from, mail));
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * Without SMTP_URL: each message becomes an .eml file under DATA_DIR/mailbox, and its link is
 * logged, so a developer can follow an invitation without a mail server.
 */
export class DevelopmentMailbox implements Mailer {
  readonly kind = 'mailbox' as const;
  private readonly transport = nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  readonly directory: string;

  constructor(
    dataDir: string,
    private readonly from: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.directory = join(dataDir, 'mailbox');
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.transport.sendMail(message(this.from, mail));
    await mkdir(this.directory, { recursive: true });
    const file = join(
      this.directory,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[<>@]/g, '_')}.eml`,
    );
    await writeFile(file, info.message as Buffer);
    this.log.info({ to: mail.to, file, link: mail.link }, 'development mailbox: message written');
  }

  async close(): Promise<void> {}
}

export function createMailer(config: Config, log: FastifyBaseLogger): Mailer {
  return config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom, config.smtpPoolSize)
    : new DevelopmentMailbox(config.dataDir, config.mailFrom, log);
}
