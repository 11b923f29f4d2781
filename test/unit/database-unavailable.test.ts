import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { toAppError } from '../../src/http/error-handler.js';

function withCode(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

test('a database that cannot be reached, or does not answer in time, is told apart from a failing statement', () => {
  for (const error of [
    withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    withCode('ECONNRESET'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('53300', 'sorry, too many clients already'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('timeout exceeded when trying to connect'),
    withCode('57014', 'canceling statement due to statement timeout'),
    withCode('25P03', 'terminating connection due to idle-in-transaction timeout'),
    new Error('Query read timeout'),
    Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), {}),
  ]) {
    assert.equal(isDatabaseUnavailable(error), true, String(error));
  }
  for (const error of [
    withCode('23505', 'duplicate key value violates unique constraint'),
    withCode('42P01', 'relation "x" does not exist'),
    withCode('SQLITE_CONSTRAINT_UNIQUE'),
    new Error('driver has already been destroyed'),
    new TypeError('x is undefined'),
    'ECONNREFUSED',
    null,
    new AggregateError([]),
  ]) {
    assert.equal(isDatabaseUnavailable(error), false, String(error));
  }
});

test('an unreachable database is a 503 with Retry-After; any other failure stays a 500', () => {
  const unavailable = toAppError(withCode('ECONNREFUSED'));
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.code, 'SERVICE_UNAVAILABLE');
  assert.ok(Number(unavailable.headers?.['retry-after']) > 0);
  assert.equal(toAppError(new Error('driver has already been destroyed')).status, 500);
});
