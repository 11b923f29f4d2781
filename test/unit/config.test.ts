import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config.values.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  test('an empty environment gives the embedded defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.database, {
      dialect: 'sqlite',
      url: 'sqlite:./data/tessera.db',
      filename: './data/tessera.db',
    });
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.invitationExpiryDays, 7);
    assert.equal(config.tokenIssuer, 'http://localhost:3000');
    assert.ok(Object.isFrozen(config));
  });

  test('values are read and converted', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://invites.example.com/',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      INVITATION_EXPIRY_DAYS: '14',
      SEED_DEMO: 'false',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'https://invites.example.com');
    assert.deepEqual(config.database, {
      dialect: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
      poolSize: 10,
      queryTimeoutMs: 10_000,
    });
    assert.equal(config.invitationExpiryDays, 14);
    assert.equal(config.seedDemo, false);
    const tuned = loadConfig({
      DATABASE_URL: 'postgres://db/tessera',
      DATABASE_POOL_SIZE: '4',
      DATABASE_QUERY_TIMEOUT_MS: '0',
    });
    assert.deepEqual(tuned.database, {
      dialect: 'postgres',
      url: 'postgres://db/tessera',
      poolSize: 4,
      queryTimeoutMs: 0,
    });
  });

  test('a bad value is refused with the name of its variable', () => {
    assert.match(refusal({ PORT: 'eighty' }), /PORT must be an integer from 0 to 65535 \(got "eighty"\)/);
    assert.match(refusal({ PORT: '70000' }), /PORT must be an integer/);
    assert.match(refusal({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must be sqlite:<path> or postgres:\/\//);
    assert.match(
      refusal({ LOG_LEVEL: 'loud' }),
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/,
    );
    assert.match(
      refusal({ DATABASE_QUERY_TIMEOUT_MS: '-1' }),
      /DATABASE_QUERY_TIMEOUT_MS must be an integer from 0 to 3600000/,
    );
    assert.match(refusal({ INVITATION_EXPIRY_DAYS: '31' }), /INVITATION_EXPIRY_DAYS must be an integer from 1 to 30/);
    assert.match(refusal({ PUBLIC_URL: 'invites.example.com' }), /PUBLIC_URL must be an absolute http\(s\) URL/);
    assert.match(refusal({ SMTP_URL: 'http://mail' }), /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    assert.match(refusal({ SEED_DEMO: 'maybe' }), /SEED_DEMO must be true or false/);
    assert.match(refusal({ SIGNING_KEY: '{"kty":"RSA"}' }), /SIGNING_KEY must be a private EC P-256 JWK/);
  });

  test('every bad variable is named at once, and secrets are not echoed', () => {
    const message = refusal({ PORT: 'x', LOG_LEVEL: 'y', SMTP_URL: 'ftp://user:hunter2@mail' });
    assert.match(message, /PORT/);
    assert.match(message, /LOG_LEVEL/);
    assert.match(message, /SMTP_URL/);
    assert.doesNotMatch(message, /hunter2/);
  });
});
