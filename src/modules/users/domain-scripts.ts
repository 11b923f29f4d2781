/**
 * Look-alike domains: which scripts one label of an internationalized domain may mix. This follows
 * UTS #39's "highly restrictive" level, as browsers apply it before they show a domain in Unicode
 * (Chromium's IDN display policy): a label is written in one script, or in Latin with the scripts
 * that Japanese, Chinese and Korean writing mix with it. `pаypal` with a Cyrillic `а` mixes Latin
 * and Cyrillic, and is refused; so is a label wholly in Cyrillic that uses only the Cyrillic
 * letters that look like Latin ones (`аррӏе`), outside the top-level domains where Cyrillic is
 * expected.
 */

/**
 * The scripts UAX #31 recommends for identifiers (its table of Recommended Scripts). A domain label
 * with a letter of any other script (historic ones, or ones like Cherokee whose letters imitate
 * Latin) is refused, as browsers show such labels in punycode.
 */
const RECOMMENDED_SCRIPTS = [
  'Arabic',
  'Armenian',
  'Bengali',
  'Bopomofo',
  'Cyrillic',
  'Devanagari',
  'Ethiopic',
  'Georgian',
  'Greek',
  'Gujarati',
  'Gurmukhi',
  'Han',
  'Hangul',
  'Hebrew',
  'Hiragana',
  'Kannada',
  'Katakana',
  'Khmer',
  'Lao',
  'Latin',
  'Malayalam',
  'Myanmar',
  'Oriya',
  'Sinhala',
  'Tamil',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
] as const;
type Script = (typeof RECOMMENDED_SCRIPTS)[number];

const SCRIPT_PATTERNS: ReadonlyArray<readonly [Script, RegExp]> = RECOMMENDED_SCRIPTS.map(
  (script) => [script, new RegExp(`^\\p{Script=${script}}$`, 'u')] as const,
);

/** Digits, the hyphen and combining marks belong to no script of their own. */
const SCRIPT_NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/** The mixes UTS #39 allows besides a single script: Japanese, Chinese and Korean writing with Latin. */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<Script>> = [
  new Set<Script>(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set<Script>(['Latin', 'Han', 'Bopomofo']),
  new Set<Script>(['Latin', 'Han', 'Hangul']),
];

/** Chromium's list of Cyrillic letters that pass for Latin ones (in lower case: labels arrive mapped). */
const CYRILLIC_LATIN_LOOKALIKES = /^[асԁеһіјӏорԛѕԝхуъьҽпгѵѡ0-9-]+$/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
/** Top-level domains under which a wholly Cyrillic label is expected (Chromium's list). */
const CYRILLIC_TOP_LEVEL_DOMAINS = new Set(['bg', 'by', 'kz', 'pyc', 'ru', 'su', 'ua', 'uz']);

/** The scripts of a label's letters, or undefined when one of them is not a recommended script. */
export function labelScripts(label: string): Set<Script> | undefined {
  const scripts = new Set<Script>();
  for (const character of label) {
    if (SCRIPT_NEUTRAL.test(character)) continue;
    const script = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(character))?.[0];
    if (!script) return undefined;
    scripts.add(script);
  }
  return scripts;
}

function allowedMix(scripts: Set<Script>): boolean {
  if (scripts.size <= 1) return true;
  return ALLOWED_MIXES.some((mix) => [...scripts].every((script) => mix.has(script)));
}

/**
 * Whether a domain label (in Unicode, lower case, as IDNA maps it) could pass for another one.
 * `topLevelDomain` is the domain's last label, in Unicode too.
 */
export function isLookAlikeLabel(label: string, topLevelDomain: string): boolean {
  const scripts = labelScripts(label);
  if (!scripts || !allowedMix(scripts)) return true;
  const wholeScriptCyrillic = scripts.size === 1 && scripts.has('Cyrillic') && CYRILLIC_LATIN_LOOKALIKES.test(label);
  return wholeScriptCyrillic && !CYRILLIC_TOP_LEVEL_DOMAINS.has(topLevelDomain) && !CYRILLIC.test(topLevelDomain);
}
