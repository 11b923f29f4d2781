import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Liquid, Template, Variable } from 'liquidjs';
import { ConfigError } from '../config.values.js';
import { direction, isLocale, type Locale, SUPPORTED_LOCALES } from '../i18n/locales.js';

/**
 * The operator's own invitation email (TEMPLATES_DIR): Liquid templates that replace the built-in
 * subject, text or HTML, for every locale or for one. docs/templates.md is the operator's guide.
 */

/** What a template sees. Every name here is in docs/templates.md; a name not here is an error. */
export interface InvitationTemplateVariables {
  /** The invitation's locale, a BCP 47 tag such as `fr` or `pt-BR`. */
  locale: string;
  /** The locale's writing direction, for `<html dir>`. */
  dir: 'ltr' | 'rtl';
  /** The accept link: the invitee's page for this invitation. */
  link: string;
  invitation: {
    /** The invitee's address. */
    email: string;
    /** The invitee's name, when the inviter gave one. */
    recipientName: string | null;
    /** The name of the role the invitee gets. */
    role: string;
    /** The inviter's personal message (plain text, line breaks kept), when there is one. */
    message: string | null;
    /** When the invitation expires, ISO 8601 in UTC. */
    expiresAt: string;
    /** The expiry written for the locale, in the organization's time zone. */
    expiresAtText: string;
    /** Days left until the expiry, to the nearest day, when the email is written (0 under a day). */
    expiresInDays: number;
  };
  inviter: {
    /** The inviter as the organization knows them: a person's name, or the inviting client's. */
    name: string;
  };
  organization: {
    /** The organization as it presents itself: its brand's display name, else its name. */
    name: string;
    /** Its logo (an https URL), when it has one. */
    logoUrl: string | null;
    /** Its brand colour (`#rrggbb`), when it has one. */
    accentColor: string | null;
    /** The address invitees may write to for help, when it has one. */
    supportEmail: string | null;
    /** Its IANA time zone, which `invitation.expiresAtText` is written in. */
    timeZone: string;
  };
}

/**
 * What every template is rendered with at start. Each optional value is present, and the message
 * holds markup characters, so that a start shows what HTML escaping does to them.
 */
export const SAMPLE_TEMPLATE_VARIABLES: InvitationTemplateVariables = Object.freeze({
  locale: 'en',
  dir: 'ltr',
  link: 'https://tessera.example.com/invite/Zm9yLXRoZS1zYW1wbGUtb25seS1ub3QtYS1yZWFsLXRva2Vu',
  invitation: Object.freeze({
    email: 'ada@example.com',
    recipientName: 'Ada Lovelace',
    role: 'Administrator',
    message: 'Welcome aboard! Our style guide says <b>&"bold"</b> is for headings only.',
    expiresAt: '2026-12-05T17:00:00.000Z',
    expiresAtText: 'December 5, 2026 at 6:00 PM CET',
    expiresInDays: 7,
  }),
  inviter: Object.freeze({ name: 'Grace Hopper' }),
  organization: Object.freeze({
    name: 'Acme Robotics',
    logoUrl: 'https://acme.example.com/logo.png',
    accentColor: '#1d4ed8',
    supportEmail: 'support@acme.example.com',
    timeZone: 'Europe/Paris',
  }),
});

/** The sample again with every optional value absent: a template must render both ways. */
const SAMPLE_WITHOUT_OPTIONAL_VALUES: InvitationTemplateVariables = {
  ...SAMPLE_TEMPLATE_VARIABLES,
  invitation: { ...SAMPLE_TEMPLATE_VARIABLES.invitation, recipientName: null, message: null },
  organization: { ...SAMPLE_TEMPLATE_VARIABLES.organization, logoUrl: null, accentColor: null, supportEmail: null },
};

export const TEMPLATE_PARTS = ['subject', 'text', 'html'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/** `invitation.<part>.liquid` or `invitation.<part>.<locale>.liquid`; other `.liquid` names are refused. */
const TEMPLATE_FILE_NAME = /^invitation\.(subject|text|html)(?:\.([^.]+))?\.liquid$/;

/** The key a template is kept under: its part, and its locale or none for the general one. */
type TemplateKey = `${TemplatePart}` | `${TemplatePart}.${Locale}`;

/**
 * Two engines: HTML output is escaped unless a template says `| raw`; subject and text are plain
 * text, where escaping would only show `&amp;` to the reader. Both refuse unknown variables and
 * filters, and neither reads a file: `include`, `render` and `layout` are removed (a template that
 * uses one does not parse), and the lookup they would use is an empty in-memory map besides.
 */
function createEngine(escapeOutput: boolean): Liquid {
  const { Liquid: Engine } = liquidjs();
  const engine = new Engine({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    outputEscape: escapeOutput ? 'escape' : undefined,
    templates: {},
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    // The `date` filter writes UTC whatever the server's zone; `expiresAtText` has the organization's.
    timezoneOffset: 0,
    // A loop gone wrong, or a range of a billion, stops with an error (which the outbox records and
    // retries) instead of holding the worker or exhausting its memory. An email is a few kilobytes.
    renderLimit: 1000,
    memoryLimit: 10_000_000,
  });
  for (const fileTag of ['include', 'render', 'layout']) delete engine.tags[fileTag];
  return engine;
}

/** Loaded by a process that has templates: without TEMPLATES_DIR, Liquid is never needed. */
const liquidjs = () => createRequire(import.meta.url)('liquidjs') as typeof import('liquidjs');

let engines: { html: Liquid; plain: Liquid } | undefined;

function engineFor(part: TemplatePart): Liquid {
  engines ??= { html: createEngine(true), plain: createEngine(false) };
  return part === 'html' ? engines.html : engines.plain;
}

export class OperatorTemplates {
  /** No TEMPLATES_DIR: every email is the built-in one. */
  static readonly none = new OperatorTemplates(new Map());

  private constructor(private readonly parsed: ReadonlyMap<TemplateKey, Template[]>) {}

  /**
   * Reads, parses and checks every template in `dir` (undefined: none). Each is rendered with the
   * sample data, and each variable it names is checked against the ones that exist, even in a
   * branch the sample does not take. Any problem, in any file, is a ConfigError naming the file.
   */
  static async load(dir: string | undefined): Promise<OperatorTemplates> {
    if (dir === undefined) return OperatorTemplates.none;
    const names = await listDirectory(dir);
    const parsed = new Map<TemplateKey, Template[]>();
    const problems: string[] = [];
    for (const name of names.filter((entry) => entry.endsWith('.liquid')).sort()) {
      try {
        const { key, templates } = await loadTemplateFile(dir, name);
        parsed.set(key, templates);
      } catch (error) {
        problems.push(`TEMPLATES_DIR: ${name}: ${problemOf(error)}`);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return parsed.size === 0 ? OperatorTemplates.none : new OperatorTemplates(parsed);
  }

  /** Whether a template (for the locale, or for every locale) replaces this part of the email. */
  has(part: TemplatePart, locale: Locale): boolean {
    return this.templateFor(part, locale) !== undefined;
  }

  /**
   * The part written by the operator's template for the locale, else by their general one; undefined
   * when neither exists (the built-in text is used). A subject is one line: line breaks become spaces.
   */
  render(part: TemplatePart, locale: Locale, variables: InvitationTemplateVariables): string | undefined {
    const templates = this.templateFor(part, locale);
    if (templates === undefined) return undefined;
    const output = String(engineFor(part).renderSync(templates, variables));
    return part === 'subject' ? output.replace(/\s*[\r\n]+\s*/g, ' ').trim() : output;
  }

  private templateFor(part: TemplatePart, locale: Locale): Template[] | undefined {
    return this.parsed.get(`${part}.${locale}`) ?? this.parsed.get(part);
  }
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new ConfigError([`TEMPLATES_DIR: ${dir} is not a directory`]);
    return await readdir(dir);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code === 'ENOENT'
        ? `TEMPLATES_DIR: ${dir} does not exist`
        : `TEMPLATES_DIR: ${dir} cannot be read (${code ?? String(error)})`,
    ]);
  }
}

/** A problem found in one file, told without the engine's file name (the caller names the file). */
class TemplateProblem extends Error {}

async function loadTemplateFile(dir: string, name: string): Promise<{ key: TemplateKey; templates: Template[] }> {
  const { part, locale } = parseFileName(name);
  const path = join(dir, name);
  if (!(await stat(path)).isFile()) throw new TemplateProblem('is not a file');
  // An editor's byte-order mark would otherwise open the subject.
  const source = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const engine = engineFor(part);
  const templates = engine.parse(source, name);
  assertKnownVariables(engine, templates);
  for (const sample of [SAMPLE_TEMPLATE_VARIABLES, SAMPLE_WITHOUT_OPTIONAL_VALUES]) {
    const localized = locale ? { ...sample, locale, dir: direction(locale) } : sample;
    engine.renderSync(templates, localized);
  }
  return { key: locale ? `${part}.${locale}` : part, templates };
}

function parseFileName(name: string): { part: TemplatePart; locale: Locale | undefined } {
  const match = TEMPLATE_FILE_NAME.exec(name);
  if (!match) {
    throw new TemplateProblem(
      'is not a template Tessera knows: the names are invitation.subject, invitation.text and invitation.html, each optionally followed by a locale, then .liquid',
    );
  }
  const [, part, locale] = match as unknown as [string, TemplatePart, string | undefined];
  if (locale !== undefined && !isLocale(locale)) {
    throw new TemplateProblem(`unknown locale "${locale}": must be one of ${SUPPORTED_LOCALES.join(', ')}`);
  }
  return { part, locale };
}

/**
 * Every variable the template reads from outside (not its own `assign`s and loop variables) must
 * exist. Rendering finds only the ones on the sample's path; this finds a typo in any branch, so
 * that it stops the start rather than the emails that take that branch.
 */
function assertKnownVariables(engine: Liquid, templates: Template[]): void {
  const { globals } = engine.analyzeSync(templates, { partials: false });
  for (const variable of Object.values(globals).flat()) {
    if (!isKnownVariable(variable)) {
      throw new TemplateProblem(`unknown variable "${variable.toString()}" (line ${variable.location.row})`);
    }
  }
}

function isKnownVariable(variable: Variable): boolean {
  let value: unknown = SAMPLE_TEMPLATE_VARIABLES;
  for (const segment of variable.segments) {
    // A computed key (`invitation[name]`) cannot be checked here; rendering checks it.
    if (typeof segment === 'object') return true;
    if (typeof value === 'string') return segment === 'size' && variable.segments.at(-1) === segment;
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return false;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return true;
}

/** The engine's error, short: what is wrong and on which line (the file is named by the caller). */
function problemOf(error: unknown): string {
  if (error instanceof TemplateProblem) return error.message;
  if (!(error instanceof Error)) return String(error);
  const liquid = error as Error & { originalError?: Error; token?: { getPosition(): number[] } };
  const message = (liquid.originalError?.message ?? error.message)
    .replace(/,(?: file:[^,]*,)? line:\d+, col:\d+$/, '')
    .replace(/^undefined variable: (.+)$/, 'unknown variable "$1"')
    .replace(/^undefined filter: (.+)$/, 'unknown filter "$1"');
  const line = liquid.token?.getPosition()[0];
  return line === undefined ? message : `${message} (line ${line})`;
}
