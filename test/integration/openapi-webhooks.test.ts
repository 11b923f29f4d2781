import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { EVENT_TYPES } from '../../src/modules/events/event.types.js';
import { sweepExpiredInvitations } from '../../src/modules/invitations/invitation.expiry.js';
import { fanOutEvents, recordOutcome } from '../../src/modules/webhooks/webhook.delivery.js';
import { linkToken } from '../helpers/links.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
  tokenFor,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';

/** Declared in EVENT_TYPES, written by nothing yet: documented, but no real event can be checked. */
const RESERVED = ['invite_link.created', 'invite_link.revoked', 'join_request.created'];
const DOCUMENTED = [...EVENT_TYPES, 'webhook_endpoint.test'];
const PUBLIC_URL = 'https://93.184.215.14/hooks/tessera';

// ajv-formats is CommonJS: its default export is the plugin itself, which TypeScript (NodeNext) sees as a namespace.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

interface EventBody {
  id: string;
  type: string;
  organizationId: string | null;
  occurredAt: string;
  actor: { type: string; id?: string };
  data: Record<string, any>;
}

interface Envelope {
  type: string;
  timestamp: string;
  data: EventBody;
}

for (const dialect of DIALECTS) {
  describe(`the webhooks of /openapi.json, checked against real events [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let document: any;
    /** The documented request body of each webhook, compiled with the document's components. */
    const validators = new Map<string, ValidateFunction>();

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      const response = await t.app.inject({ url: '/openapi.json' });
      assert.equal(response.statusCode, 200, response.body);
      document = response.json();
      // OpenAPI 3.1 schemas are JSON Schema 2020-12; their $refs point into #/components/schemas.
      const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
      ajv.addKeyword('components');
      for (const [type, item] of Object.entries<any>(document.webhooks ?? {})) {
        const schema = item.post.requestBody.content['application/json'].schema;
        validators.set(type, ajv.compile({ ...schema, components: document.components }));
      }
    });
    after(() => t.close());

    function check(envelope: Envelope, as = envelope.type): boolean {
      const validate = validators.get(as);
      assert.ok(validate, `no documented webhook for ${as}`);
      return validate(envelope);
    }

    function assertDocumented(envelope: Envelope): void {
      const valid = check(envelope);
      assert.ok(
        valid,
        `${envelope.type} does not match its webhook schema: ${JSON.stringify(validators.get(envelope.type)!.errors)}`,
      );
    }

    async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) {
      const response = await t.app.inject({ method, url, headers: bearer(org.token), ...(payload ? { payload } : {}) });
      assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.statusCode === 204 ? undefined : response.json();
    }

    const orgUrl = () => `/v1/organizations/${org.organization.id}`;
    const invite = (payload: Record<string, unknown>) => call('POST', `${orgUrl()}/invitations`, payload);

    async function allEvents(): Promise<EventBody[]> {
      const events: EventBody[] = [];
      let position = '';
      for (;;) {
        const page = await call('GET', `${orgUrl()}/events?limit=100${position ? `&after=${position}` : ''}`);
        events.push(...page.data);
        if (page.data.length === 0) return events;
        position = page.nextAfter;
      }
    }

    test('OpenAPI 3.1 with one webhook per event type and the test event, each a signed POST', () => {
      assert.match(document.openapi, /^3\.1\./);
      assert.deepEqual(Object.keys(document.webhooks).sort(), [...DOCUMENTED].sort());
      for (const [type, item] of Object.entries<any>(document.webhooks)) {
        assert.deepEqual(Object.keys(item), ['post'], type);
        const { parameters, requestBody, responses } = item.post;
        assert.deepEqual(
          parameters.map((parameter: any) => [parameter.name, parameter.in, parameter.required]),
          [
            ['webhook-id', 'header', true],
            ['webhook-timestamp', 'header', true],
            ['webhook-signature', 'header', true],
          ],
          type,
        );
        assert.deepEqual(Object.keys(requestBody.content), ['application/json'], type);
        assert.deepEqual(Object.keys(responses).sort(), ['2XX', '410', 'default'], type);
        assert.equal(requestBody.content['application/json'].schema.properties.type.const, type);
      }
      // The payloads name the shared schemas rather than copying them.
      const accepted = JSON.stringify(document.webhooks['invitation.accepted']);
      for (const name of ['Event', 'Invitation', 'Member']) {
        assert.ok(accepted.includes(`"#/components/schemas/${name}"`), name);
        assert.ok(document.components.schemas[name], name);
      }
    });

    test('every event the app writes, and every body it would send, matches its documented schema', async () => {
      // Two endpoints subscribed to everything, from before the changes below (an endpoint receives what follows).
      const endpoints = `${orgUrl()}/webhook-endpoints`;
      const first = await call('POST', endpoints, { url: `${PUBLIC_URL}/1`, eventTypes: ['*'] });
      const second = await call('POST', endpoints, { url: `${PUBLIC_URL}/2`, eventTypes: ['*'] });

      // invitation.created, .resent, .revoked by the client.
      const revoked = await invite({ email: 'wh-revoke@example.com', metadata: { team: 'blue' } });
      await call('POST', `${orgUrl()}/invitations/${revoked.id}/resend`, {});
      await call('POST', `${orgUrl()}/invitations/${revoked.id}/revoke`);
      // invitation.accepted and membership.created, by the invitee.
      const accepted = await invite({ email: 'wh-accept@example.com', sendEmail: false });
      const acceptance = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: linkToken(accepted.acceptUrl), password: 'Accept-Passw0rd!' },
      });
      assert.equal(acceptance.statusCode, 200, acceptance.body);
      const userId = acceptance.json().session.user.id as string;
      // invitation.declined.
      const declined = await invite({ email: 'wh-decline@example.com', sendEmail: false });
      const declining = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/decline',
        payload: { token: linkToken(declined.acceptUrl) },
      });
      assert.equal(declining.statusCode, 204, declining.body);
      // membership.updated; organization.updated with the owner's membership.updated; membership.deleted.
      await call('PATCH', `${orgUrl()}/members/${userId}`, { roleName: 'Administrator', metadata: { seat: 7 } });
      await call('PUT', `${orgUrl()}/owner`, { email: 'wh-accept@example.com' });
      await call('DELETE', `${orgUrl()}/members/${org.owner!.id}`);
      // invitation.expired, by the sweep.
      await invite({ email: 'wh-expire@example.com', expiresInDays: 1 });
      t.clock.advance(2 * 86_400);
      org.token = await tokenFor(t, org.clientId, org.clientSecret);
      assert.equal(await sweepExpiredInvitations(t.deps), 1);
      // webhook_endpoint.test, to the first endpoint alone.
      await call('POST', `${endpoints}/${first.id}/test`);
      // The fan-out writes each body as every attempt will send it; then the first endpoint answers 410 and is
      // disabled (webhook_endpoint.disabled), which the fan-out sends to the second.
      while ((await fanOutEvents(t.deps)) > 0);
      const delivery = await t.deps.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', first.id)
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.equal(
        await recordOutcome(t.deps, 'openapi-test', delivery, { status: 410, durationMs: 3, body: '' }),
        'disabled',
      );
      while ((await fanOutEvents(t.deps)) > 0);

      // Every event, as its envelope (the fan-out's `{ type, timestamp, data }`), matches its webhook.
      const events = await allEvents();
      for (const event of events) assertDocumented({ type: event.type, timestamp: event.occurredAt, data: event });
      const written = new Set(events.map((event) => event.type));
      assert.deepEqual(
        EVENT_TYPES.filter((type) => !written.has(type)),
        RESERVED,
        'every event type but the reserved ones was produced and checked',
      );

      // And so does every body actually stored for delivery, the test event's included.
      const deliveries = await t.deps.db
        .selectFrom('webhook_deliveries')
        .select(['endpoint_id', 'event_id', 'event_type', 'body'])
        .execute();
      const sent = new Map(events.map((event) => [event.id, event]));
      for (const row of deliveries) {
        const body = JSON.parse(row.body) as Envelope;
        assert.equal(body.type, row.event_type);
        assertDocumented(body);
        if (row.event_type !== 'webhook_endpoint.test') {
          assert.deepEqual(body, {
            type: body.data.type,
            timestamp: body.data.occurredAt,
            data: sent.get(row.event_id),
          });
        }
      }
      const delivered = new Set(deliveries.map((row) => row.event_type));
      assert.ok(delivered.has('webhook_endpoint.test') && delivered.has('webhook_endpoint.disabled'));
      assert.ok(
        deliveries.some((row) => row.endpoint_id === second.id && row.event_type === 'webhook_endpoint.disabled'),
        'the disabled endpoint is announced to the other',
      );

      // The schemas are precise: a body of one type is refused as another, or with anything extra.
      const byType = (type: string) => events.find((event) => event.type === type)!;
      const envelopeOf = (event: EventBody): Envelope => ({
        type: event.type,
        timestamp: event.occurredAt,
        data: event,
      });
      const created = envelopeOf(byType('invitation.created'));
      assert.equal(check({ ...created, type: 'invitation.accepted' }, 'invitation.accepted'), false);
      assert.equal(
        check({ ...created, data: { ...created.data, type: 'invitation.accepted' } }, 'invitation.accepted'),
        false,
        'no userId or membership',
      );
      const membership = envelopeOf(byType('membership.created'));
      assert.equal(
        check({ ...membership, type: 'invitation.created', data: { ...membership.data, type: 'invitation.created' } }),
        false,
        'a member is no invitation',
      );
      assert.equal(check({ ...created, extra: true } as Envelope), false, 'nothing beside type, timestamp and data');
      const disabled = envelopeOf(byType('webhook_endpoint.disabled'));
      assert.equal(disabled.data.data.id, first.id);
      assert.equal(
        check({ ...disabled, data: { ...disabled.data, data: { id: first.id } } }),
        false,
        'a whole endpoint',
      );
    });
  });
}
