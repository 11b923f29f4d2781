import { AppError } from './errors.js';
import type { App } from './fastify-types.js';

/** Deeper than any legitimate request, metadata included; far shallower than what exhausts the stack. */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON text nests objects and arrays deeper than `max`: one pass, no recursion, strings skipped. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * JSON bodies as Fastify parses them (prototype-poisoning keys refused), but no deeper than
 * MAX_JSON_DEPTH: a megabyte of `{"a":` parses fine, and then exhausts the stack of whatever walks
 * it recursively (JSON.stringify for the metadata column or an Idempotency-Key's hash): a 500.
 * Registered on the root instance before any plugin, so every scope inherits it.
 */
export function registerJsonBodyParser(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new AppError('MALFORMED_REQUEST', `The body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
}
