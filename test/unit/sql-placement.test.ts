import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Where SQL may be written (DESIGN): repositories (`*.repository.ts`) hold the statements, and
 * `src/db/` (migrations, the write batcher, prepared queries, readiness) talks to the database
 * itself. Services, routes and workers call repositories, and open a write transaction only through
 * `deps.transact`, so `.transaction()` appears in `src/db/` alone.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** A query builder started, or SQL text written: Kysely's entry points and its `sql` tag and helpers. */
const QUERY_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  {
    name: 'query builder',
    pattern: /\.\s*(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\s*\(/,
  },
  // A CTE: Kysely's `.with('name', ...)` or `.with((cte) => ...)`; an array's `.with(index, value)` is not one.
  { name: 'query builder', pattern: /\.\s*with(Recursive)?\s*\(\s*(['"`]|\(|\w+\s*=>)/ },
  // The tag, with or without a type argument: sql`…`, sql<number>`…`; not a property called sql (`query.sql`).
  { name: 'sql template', pattern: /(?<![\w$.])sql\s*(<[^`;]*>)?\s*`/ },
  { name: 'sql helper', pattern: /(?<![\w$.])sql\s*\.\s*(raw|ref|lit|id|join|table|val)\b/ },
  { name: 'raw query', pattern: /\bCompiledQuery\s*\.\s*raw\s*\(/ },
];

const TRANSACTION_PATTERN = /\.\s*transaction\s*\(\s*\)/;

/** Words after which a `/` starts a regular expression rather than dividing. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * The source with comments blanked and the text of strings, template literals and regular
 * expressions blanked (their delimiters, `${…}` expressions and every newline kept): what is left is
 * code, on the lines it was on, so a word in a comment or a string is never taken for a call.
 */
function codeOnly(source: string): string {
  const out = source.split('');
  const blank = (index: number) => {
    if (out[index] !== '\n') out[index] = ' ';
  };
  // Open template literals (their `${` depth), innermost last, for templates nested in expressions.
  const templates: number[] = [];
  let braceDepth = 0;
  let lastSignificant = '';
  let lastWord = '';
  let i = 0;

  const scanTemplateText = () => {
    // At the character after a backtick or a closing `}` of an expression: text up to `${` or the end.
    while (i < source.length) {
      const ch = source[i]!;
      if (ch === '\\') {
        blank(i);
        if (i + 1 < source.length) blank(i + 1);
        i += 2;
      } else if (ch === '`') {
        templates.pop();
        i++;
        lastSignificant = '`';
        lastWord = '';
        return;
      } else if (ch === '$' && source[i + 1] === '{') {
        braceDepth++;
        templates[templates.length - 1] = braceDepth;
        i += 2;
        lastSignificant = '{';
        lastWord = '';
        return;
      } else {
        blank(i);
        i++;
      }
    }
  };

  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') blank(i++);
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      while (i < stop) blank(i++);
    } else if (ch === "'" || ch === '"') {
      i++;
      while (i < source.length && source[i] !== ch && source[i] !== '\n') {
        if (source[i] === '\\') blank(i++);
        blank(i++);
      }
      i++;
      lastSignificant = ch;
      lastWord = '';
    } else if (ch === '`') {
      templates.push(-1);
      i++;
      scanTemplateText();
    } else if (ch === '}' && templates.length > 0 && templates[templates.length - 1] === braceDepth) {
      braceDepth--;
      i++;
      scanTemplateText();
    } else if (
      ch === '/' &&
      (lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant) || BEFORE_REGEX.has(lastWord))
    ) {
      // A regular expression literal: blank its body up to the closing slash (not one in a class).
      i++;
      let inClass = false;
      while (i < source.length && source[i] !== '\n') {
        const c = source[i]!;
        if (c === '\\') {
          blank(i++);
        } else if (c === '[') {
          inClass = true;
        } else if (c === ']') {
          inClass = false;
        } else if (c === '/' && !inClass) {
          break;
        }
        blank(i++);
      }
      i++;
      lastSignificant = ')';
      lastWord = '';
    } else {
      if (ch === '{') braceDepth++;
      else if (ch === '}') braceDepth--;
      if (/[\w$]/.test(ch)) {
        let end = i;
        while (end < source.length && /[\w$]/.test(source[end]!)) end++;
        lastWord = source.slice(i, end);
        lastSignificant = 'a';
        i = end;
        continue;
      }
      if (!/\s/.test(ch)) {
        lastSignificant = ch;
        lastWord = '';
      }
      i++;
    }
  }
  return out.join('');
}

interface Finding {
  line: number;
  what: string;
  text: string;
}

/** The SQL (and, when asked, the transactions) written in a file's code, with their lines. */
function findSql(source: string, options: { queries: boolean; transactions: boolean }): Finding[] {
  const findings: Finding[] = [];
  const original = source.split('\n');
  codeOnly(source)
    .split('\n')
    .forEach((code, index) => {
      const text = original[index]!.trim();
      if (options.queries) {
        // One finding a line is enough to point at it.
        const query = QUERY_PATTERNS.find(({ pattern }) => pattern.test(code));
        if (query) findings.push({ line: index + 1, what: query.name, text });
      }
      if (options.transactions && TRANSACTION_PATTERN.test(code)) {
        findings.push({ line: index + 1, what: '.transaction() (use deps.transact)', text });
      }
    });
  return findings;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every finding in src/, as `src/…/file.ts:line: what: code`. */
function violations(): string[] {
  const found: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(ROOT, path).split(sep).join('/');
    const inDb = file.startsWith('src/db/');
    const queries = !inDb && !file.endsWith('.repository.ts');
    const transactions = !inDb;
    if (!queries && !transactions) continue;
    for (const finding of findSql(readFileSync(path, 'utf8'), { queries, transactions })) {
      found.push(`${file}:${finding.line}: ${finding.what}: ${finding.text}`);
    }
  }
  return found;
}

describe('SQL placement', () => {
  test('SQL is written only in repositories and src/db/, and transactions open only in src/db/', () => {
    const found = violations();
    assert.deepEqual(
      found,
      [],
      `SQL or a transaction outside a repository or src/db/ (move it into a *.repository.ts; open write transactions with deps.transact):\n${found.join('\n')}`,
    );
  });

  test('the scan finds each kind of statement, with its line', () => {
    const source = [
      'const a = await deps.db.selectFrom("users").selectAll().execute();',
      'await db',
      '  .insertInto("users")',
      '  .values(row);',
      'db.updateTable("t"); db.deleteFrom("t"); db.replaceInto("t");',
      "db.with('cte', (qb) => qb.selectNoFrom((eb) => eb.lit(1).as('one')));",
      'await sql`select 1`.execute(db);',
      'const n = sql<number>`count(*)`;',
      'const r = sql.raw(text); const c = sql.ref("users.id"); const l = sql.lit(1);',
      'await deps.db.transaction().execute(async (trx) => work(trx));',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, with a template literal in it
      'const q = `${sql`inner`}`;',
    ].join('\n');
    const findings = findSql(source, { queries: true, transactions: true });
    assert.deepEqual(
      findings.map((finding) => `${finding.line} ${finding.what}`),
      [
        '1 query builder',
        '3 query builder',
        '5 query builder',
        '6 query builder',
        '7 sql template',
        '8 sql template',
        '9 sql helper',
        '10 .transaction() (use deps.transact)',
        '11 sql template',
      ],
    );
  });

  test('comments, strings, regular expressions and properties called sql are not statements', () => {
    const source = [
      '// deps.db.selectFrom("users") in a comment',
      '/* a block comment: sql`select 1` and .transaction() */',
      '/**',
      ' * db.insertInto(...) in a doc comment',
      ' */',
      "const message = 'call db.deleteFrom( or .updateTable( or sql`x`';",
      'const quoted = "sql.raw(text) and .transaction()";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, with a template literal in it
      'const template = `db.selectFrom(${table}) and sql`;',
      'const pattern = /\\.selectFrom\\(|sql`/g;',
      'const compiled = query.sql; const shape = { sql: text };',
      'const copy = items.with(0, first);',
      "const url = 'https://example.com/a'; // sql`after a string with a slash`",
      'const half = total / 2; const rest = db.selectFrom("t") / 1;',
    ].join('\n');
    const findings = findSql(source, { queries: true, transactions: true });
    assert.deepEqual(
      findings.map((finding) => finding.line),
      [13],
      'only the real call on the last line',
    );
  });
});
