import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createFingerprinter, type Fingerprint } from '../helpers/db-fingerprint.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/** What a write would change in any table (row counts, latest timestamps): equal before and after means nothing was written. */
async function snapshot(t: TestApp): Promise<Fingerprint> {
  return (await createFingerprinter(t.deps.db, t.database.dialect)).take();
}

for (const dialect of DIALECTS) {
  describe(`native invitations and members API [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;
    let base: string;
    let ownInvitation: { id: string };
    let otherInvitation: { id: string };
    let memberId: string;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
      base = `/v1/organizations/${org.organization.id}`;
      ownInvitation = (
        await t.app.inject({
          method: 'POST',
          url: `${base}/invitations`,
          headers: bearer(org.token),
          payload: { email: 'mine@example.com' },
        })
      ).json();
      otherInvitation = (
        await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${other.organization.id}/invitations`,
          headers: bearer(other.token),
          payload: { email: 'theirs@example.com' },
        })
      ).json();
      const { token } = await inviteAndGetLink(t, org, {
        email: 'member@example.com',
        sendEmail: false,
        roleName: 'Viewer',
      });
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Member-pass1!' },
      });
      memberId = accepted.json().session.user.id;
    });
    after(() => t.close());

    test('every route answers ids of another organization exactly like ids that do not exist', async () => {
      const routes = (orgId: string, invitationId: string, userId: string): InjectOptions[] => [
        { method: 'GET', url: `/v1/organizations/${orgId}/invitations` },
        { method: 'POST', url: `/v1/organizations/${orgId}/invitations`, payload: { email: 'x@example.com' } },
        {
          method: 'POST',
          url: `/v1/organizations/${orgId}/invitations/bulk`,
          payload: { invitations: [{ email: 'x@example.com' }] },
        },
        { method: 'GET', url: `/v1/organizations/${orgId}/invitations/${invitationId}` },
        { method: 'POST', url: `/v1/organizations/${orgId}/invitations/${invitationId}/revoke` },
        { method: 'POST', url: `/v1/organizations/${orgId}/invitations/${invitationId}/resend`, payload: {} },
        { method: 'GET', url: `/v1/organizations/${orgId}/members` },
        { method: 'GET', url: `/v1/organizations/${orgId}/members/${userId}` },
        { method: 'PATCH', url: `/v1/organizations/${orgId}/members/${userId}`, payload: { roleName: 'Member' } },
        { method: 'DELETE', url: `/v1/organizations/${orgId}/members/${userId}` },
      ];
      const before = await snapshot(t);
      // Another organization's ids, in our organization's paths, and the other organization's paths.
      const foreignInOwn = routes(org.organization.id, otherInvitation.id, other.owner!.id);
      const missingInOwn = routes(org.organization.id, randomUUID(), randomUUID());
      const foreignOrg = routes(other.organization.id, otherInvitation.id, other.owner!.id);
      const missingOrg = routes(randomUUID(), randomUUID(), randomUUID());
      for (let i = 0; i < foreignInOwn.length; i++) {
        const pairs: Array<[InjectOptions, InjectOptions]> = [[foreignOrg[i]!, missingOrg[i]!]];
        const naming = String(foreignInOwn[i]!.url);
        if (naming.includes(otherInvitation.id) || naming.includes(other.owner!.id))
          pairs.push([foreignInOwn[i]!, missingInOwn[i]!]);
        for (const [foreign, missing] of pairs) {
          const a = await t.app.inject({ ...foreign, headers: bearer(org.token) });
          const b = await t.app.inject({ ...missing, headers: bearer(org.token) });
          assert.equal(a.statusCode, 404, `${foreign.method} ${foreign.url}: ${a.body}`);
          const { requestId: _a, ...left } = a.json();
          const { requestId: _b, ...right } = b.json();
          assert.deepEqual(left, right, `${foreign.method} ${foreign.url}`);
        }
      }
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
    });

    test('bad input on every route: a 4xx problem, and nothing written', async () => {
      const long = 'x'.repeat(5000);
      const cases: Array<[InjectOptions, number]> = [
        [{ method: 'POST', url: `${base}/invitations`, payload: {} }, 400],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'not-an-email' } }, 400],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com\r\nBcc: x@evil.example' } },
          400,
        ],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', roleId: 'not-a-uuid' } },
          400,
        ],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', roleId: randomUUID() } },
          400,
        ],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', roleName: 'Pope' } }, 400],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', expiresInDays: 31 } }, 400],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', expiresInDays: 0 } }, 400],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', metadata: { blob: long } } },
          400,
        ],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', metadata: 'text' } }, 400],
        [
          {
            method: 'POST',
            url: `${base}/invitations`,
            payload: { email: 'a@example.com', permissions: { read: [1] } },
          },
          400,
        ],
        [
          {
            method: 'POST',
            url: `${base}/invitations`,
            payload: { email: 'a@example.com', redirectUrl: 'javascript:alert(1)' },
          },
          400,
        ],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', surprise: 1 } }, 400],
        [
          {
            method: 'POST',
            url: `${base}/invitations`,
            payload: { email: 'a@example.com', inviterUserId: randomUUID() },
          },
          400,
        ],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'mine@example.com' } }, 409],
        [{ method: 'POST', url: `${base}/invitations`, payload: { email: 'member@example.com' } }, 409],
        [
          {
            method: 'POST',
            url: `${base}/invitations`,
            headers: { 'content-type': 'application/json' },
            payload: '{"email":',
          },
          400,
        ],
        [
          {
            method: 'POST',
            url: `${base}/invitations`,
            headers: { 'content-type': 'text/plain' },
            payload: 'a@example.com',
          },
          415,
        ],
        [{ method: 'POST', url: `${base}/invitations/bulk`, payload: { invitations: [] } }, 400],
        [
          {
            method: 'POST',
            url: `${base}/invitations/bulk`,
            payload: { invitations: Array.from({ length: 1001 }, (_, i) => ({ email: `b${i}@example.com` })) },
          },
          400,
        ],
        [{ method: 'POST', url: `${base}/invitations/bulk`, payload: { invitations: 'all' } }, 400],
        [{ method: 'GET', url: `${base}/invitations?limit=0` }, 400],
        [{ method: 'GET', url: `${base}/invitations?limit=101` }, 400],
        [{ method: 'GET', url: `${base}/invitations?status=LOST` }, 400],
        [{ method: 'GET', url: `${base}/invitations?order=sideways` }, 400],
        [{ method: 'GET', url: `${base}/invitations?cursor=forged.cursor` }, 400],
        [{ method: 'GET', url: `${base}/invitations/not-a-uuid` }, 400],
        [{ method: 'GET', url: `${base}/invitations/urn:uuid:${ownInvitation.id}` }, 400],
        [{ method: 'GET', url: `${base}/invitations/${ownInvitation.id.toUpperCase()}` }, 400],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', firstName: 'a\u0000b' } },
          400,
        ],
        [
          { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com', roleName: 'Mem\u0000ber' } },
          400,
        ],
        [{ method: 'POST', url: `${base}/roles`, payload: { name: 'x\u0000y' } }, 400],
        [{ method: 'GET', url: `${base}/invitations?email=a%00b@example.com` }, 400],
        [
          { method: 'POST', url: `${base}/invitations/${ownInvitation.id}/resend`, payload: { expiresInDays: 99 } },
          400,
        ],
        [{ method: 'GET', url: `${base}/members?limit=1000` }, 400],
        [{ method: 'PATCH', url: `${base}/members/${memberId}`, payload: {} }, 400],
        [{ method: 'PATCH', url: `${base}/members/${memberId}`, payload: { roleName: 'Pope' } }, 400],
        [{ method: 'PATCH', url: `${base}/members/${memberId}`, payload: { scope: 0 } }, 400],
        [{ method: 'PATCH', url: `${base}/members/${org.owner!.id}`, payload: { roleName: 'Member' } }, 409],
        [{ method: 'DELETE', url: `${base}/members/${org.owner!.id}` }, 409],
        [{ method: 'POST', url: '/v1/invitations/lookup', payload: {} }, 400],
        [{ method: 'POST', url: '/v1/invitations/lookup', payload: { token: 'nope' } }, 404],
        [{ method: 'POST', url: '/v1/invitations/accept', payload: { token: 'nope', password: 'Valid-pass1!' } }, 404],
        [{ method: 'POST', url: '/v1/invitations/accept', payload: { token: 'nope', password: 'short' } }, 400],
        [{ method: 'POST', url: '/v1/invitations/decline', payload: { token: 42 } }, 400],
      ];
      const before = await snapshot(t);
      for (const [request, status] of cases) {
        const response = await t.app.inject({
          ...request,
          headers: { ...bearer(org.token), ...(request.headers ?? {}) },
        });
        assert.equal(
          response.statusCode,
          status,
          `${request.method} ${request.url} ${JSON.stringify(request.payload)?.slice(0, 80)}: ${response.body.slice(0, 300)}`,
        );
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
        const problem = response.json();
        assert.match(problem.code, /^[A-Z_]+$/);
        assert.equal(problem.status, status);
      }
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
      // And the service keeps serving.
      assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200);
    });

    test('a forged, altered or foreign cursor is refused, never a way into other data', async () => {
      for (let i = 0; i < 3; i++) {
        await t.app.inject({
          method: 'POST',
          url: `${base}/invitations`,
          headers: bearer(org.token),
          payload: { email: `cursor-${i}@example.com` },
        });
      }
      const first = (await t.app.inject({ url: `${base}/invitations?limit=1`, headers: bearer(org.token) })).json();
      assert.ok(first.nextCursor);
      const [body, mac] = first.nextCursor.split('.');
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
      const altered = `${Buffer.from(JSON.stringify({ ...payload, o: other.organization.id })).toString('base64url')}.${mac}`;
      const page = (query: string, as = org) =>
        t.app.inject({
          url: `/v1/organizations/${as.organization.id}/invitations?${query}`,
          headers: bearer(as.token),
        });
      const refused = (response: Awaited<ReturnType<typeof page>>, why: string) => {
        assert.equal(response.statusCode, 400, `${why}: ${response.body}`);
        assert.equal(response.json().code, 'INVALID_CURSOR', why);
      };
      // The genuine cursor, with the query it came from, opens the next page.
      const second = await page(`limit=1&cursor=${encodeURIComponent(first.nextCursor)}`);
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().data.length, 1);
      assert.notEqual(second.json().data[0].id, first.data[0].id);
      const tampered = {
        'signed payload altered (another organization)': altered,
        'signature truncated': `${body}.${mac.slice(1)}`,
        'cursor truncated': first.nextCursor.slice(0, -4),
        'payload truncated': `${body.slice(4)}.${mac}`,
        'signature left off': `${body}`,
        garbage: 'garbage',
      };
      for (const [why, cursor] of Object.entries(tampered)) {
        refused(await page(`limit=1&cursor=${encodeURIComponent(cursor)}`), why);
      }
      // A cursor is bound to its filters and its order (the page size may change).
      for (const filter of [
        'status=PENDING',
        'email=cursor-0@example.com',
        `roleId=${first.data[0].role.id}`,
        'order=asc',
      ]) {
        refused(await page(`limit=1&${filter}&cursor=${encodeURIComponent(first.nextCursor)}`), filter);
      }
      assert.equal((await page(`limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).statusCode, 200);
      // A filtered list's cursor does not open the list without that filter.
      const filtered = (await page('limit=1&status=PENDING')).json();
      assert.ok(filtered.nextCursor);
      refused(await page(`limit=1&cursor=${encodeURIComponent(filtered.nextCursor)}`), 'filter dropped');
      // Our genuine cursor does not open the other organization's list, even for its own client.
      refused(await page(`limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, other), 'in the other organization');
      // The other organization's cursor does not open our list, even though it is genuine.
      for (let i = 0; i < 2; i++) {
        await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${other.organization.id}/invitations`,
          headers: bearer(other.token),
          payload: { email: `other-cursor-${i}@example.com` },
        });
      }
      const theirs = (
        await t.app.inject({
          url: `/v1/organizations/${other.organization.id}/invitations?limit=1`,
          headers: bearer(other.token),
        })
      ).json();
      refused(
        await page(`limit=1&cursor=${encodeURIComponent(theirs.nextCursor)}`),
        'replayed from the other organization',
      );
    });

    test('limit=0 and a limit over 100 are refused on both lists, whatever the organization', async () => {
      for (const as of [org, other]) {
        for (const list of ['invitations', 'members']) {
          for (const limit of [0, 101]) {
            const response = await t.app.inject({
              url: `/v1/organizations/${as.organization.id}/${list}?limit=${limit}`,
              headers: bearer(as.token),
            });
            assert.equal(response.statusCode, 400, `${list}?limit=${limit}: ${response.body}`);
            assert.equal(response.json().code, 'VALIDATION_FAILED');
          }
        }
        const one = await t.app.inject({
          url: `/v1/organizations/${as.organization.id}/invitations?limit=1`,
          headers: bearer(as.token),
        });
        assert.equal(one.statusCode, 200, one.body);
        assert.equal(one.json().data.length, 1);
      }
    });

    test("each organization's list, filtered or not, shows only its own invitations", async () => {
      const a = await createTestOrganization(t, 'List A');
      const b = await createTestOrganization(t, 'List B');
      const invite = async (of: TestOrganization, email: string) => {
        const response = await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${of.organization.id}/invitations`,
          headers: bearer(of.token),
          payload: { email },
        });
        assert.equal(response.statusCode, 201, response.body);
        return response.json().id as string;
      };
      // The same address in both, and one of each only in one.
      const ids = {
        a: [await invite(a, 'shared@example.com'), await invite(a, 'only-a@example.com')],
        b: [await invite(b, 'shared@example.com'), await invite(b, 'only-b@example.com')],
      };
      const revoked = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${b.organization.id}/invitations/${ids.b[1]}/revoke`,
        headers: bearer(b.token),
      });
      assert.equal(revoked.statusCode, 200, revoked.body);
      const list = async (of: TestOrganization, query: string): Promise<string[]> => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const response = await t.app.inject({
            url: `/v1/organizations/${of.organization.id}/invitations?limit=1&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            headers: bearer(of.token),
          });
          assert.equal(response.statusCode, 200, response.body);
          ids.push(...response.json().data.map((row: { id: string }) => row.id));
          cursor = response.json().nextCursor;
        } while (cursor);
        return ids.sort();
      };
      const sorted = (values: string[]) => [...values].sort();
      assert.deepEqual(await list(a, ''), sorted(ids.a));
      assert.deepEqual(await list(b, ''), sorted(ids.b));
      assert.deepEqual(await list(a, 'email=shared@example.com'), [ids.a[0]]);
      assert.deepEqual(await list(b, 'email=SHARED@example.com'), [ids.b[0]]);
      assert.deepEqual(await list(a, 'email=only-b@example.com'), []);
      assert.deepEqual(await list(a, 'status=PENDING'), sorted(ids.a));
      assert.deepEqual(await list(b, 'status=PENDING'), [ids.b[0]]);
      assert.deepEqual(await list(a, 'status=REVOKED'), []);
      assert.deepEqual(await list(b, 'status=REVOKED'), [ids.b[1]]);
      assert.deepEqual(await list(a, 'order=asc'), sorted(ids.a));
    });

    test('filters: status, role and email', async () => {
      const roles = (await t.app.inject({ url: `${base}/roles`, headers: bearer(org.token) })).json().data;
      const viewer = roles.find((role: { name: string }) => role.name === 'Viewer');
      await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: 'filter-v@example.com', roleId: viewer.id },
      });
      const byRole = (
        await t.app.inject({ url: `${base}/invitations?roleId=${viewer.id}`, headers: bearer(org.token) })
      ).json().data;
      assert.ok(byRole.length >= 1);
      assert.ok(byRole.every((row: { role: { id: string } }) => row.role.id === viewer.id));
      const byEmail = (
        await t.app.inject({ url: `${base}/invitations?email=FILTER-V@example.com`, headers: bearer(org.token) })
      ).json().data;
      assert.deepEqual(
        byEmail.map((row: { email: string }) => row.email),
        ['filter-v@example.com'],
      );
      const accepted = (
        await t.app.inject({ url: `${base}/invitations?status=ACCEPTED`, headers: bearer(org.token) })
      ).json().data;
      assert.deepEqual(
        accepted.map((row: { email: string }) => row.email),
        ['member@example.com'],
      );
    });

    test('bulk: up to 1,000 in one request, one result per item, partial success', async () => {
      const invitations = Array.from({ length: 1000 }, (_, i) => ({ email: `bulk-${i}@example.com` }));
      invitations[10] = { email: 'not an email' };
      invitations[20] = { email: 'BULK-0@example.com' };
      invitations[30] = { email: 'mine@example.com' };
      const response = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/bulk`,
        headers: bearer(org.token),
        payload: { invitations },
      });
      assert.equal(response.statusCode, 200, response.body.slice(0, 500));
      const body = response.json();
      assert.deepEqual(body.summary, { requested: 1000, created: 997, failed: 3 });
      assert.equal(body.results.length, 1000);
      assert.deepEqual([body.results[10].status, body.results[20].status, body.results[30].status], [400, 400, 409]);
      assert.deepEqual(
        [body.results[10].error.code, body.results[20].error.code, body.results[30].error.code],
        ['VALIDATION_FAILED', 'DUPLICATE_EMAIL', 'INVITATION_ALREADY_PENDING'],
      );
      assert.equal(body.results[999].invitation.email, 'bulk-999@example.com');
      const queued = await t.deps.db
        .selectFrom('outbox')
        .innerJoin('invitations', 'invitations.id', 'outbox.invitation_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('invitations.email_canonical', 'like', 'bulk-%')
        .executeTakeFirstOrThrow();
      assert.equal(Number(queued.n), 997, 'one email queued per invitation written');
    });

    test('Idempotency-Key: the same key and body replay the response; another body is 422', async () => {
      const headers = { ...bearer(org.token), 'idempotency-key': 'create-idem-1' };
      const first = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers,
        payload: { email: 'idem@example.com' },
      });
      assert.equal(first.statusCode, 201);
      const replay = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers,
        payload: { email: 'idem@example.com' },
      });
      assert.equal(replay.statusCode, 201);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.json(), first.json());
      const rows = await t.deps.db
        .selectFrom('invitations')
        .select('id')
        .where('email_canonical', '=', 'idem@example.com')
        .execute();
      assert.equal(rows.length, 1);
      const conflict = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers,
        payload: { email: 'other-idem@example.com' },
      });
      assert.equal(conflict.statusCode, 422);
      assert.equal(conflict.json().code, 'IDEMPOTENCY_KEY_REUSED');
      // Keys belong to their caller: another client may use the same key for its own request.
      const theirs = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${other.organization.id}/invitations`,
        headers: { ...bearer(other.token), 'idempotency-key': 'create-idem-1' },
        payload: { email: 'idem@example.com' },
      });
      assert.equal(theirs.statusCode, 201);
      // Bulk too.
      const bulkHeaders = { ...bearer(org.token), 'idempotency-key': 'bulk-idem-1' };
      const bulkBody = { invitations: [{ email: 'idem-b1@example.com' }, { email: 'idem-b2@example.com' }] };
      const bulk = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/bulk`,
        headers: bulkHeaders,
        payload: bulkBody,
      });
      const bulkReplay = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/bulk`,
        headers: bulkHeaders,
        payload: bulkBody,
      });
      assert.deepEqual(bulkReplay.json(), bulk.json());
      assert.equal(bulk.json().summary.created, 2);
    });

    test('members: listed with cursors, role changed, removed; the owner stays', async () => {
      const list = await t.app.inject({ url: `${base}/members?limit=1`, headers: bearer(org.token) });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().data.length, 1);
      const next = await t.app.inject({
        url: `${base}/members?limit=10&cursor=${encodeURIComponent(list.json().nextCursor)}`,
        headers: bearer(org.token),
      });
      const all = [...list.json().data, ...next.json().data];
      assert.deepEqual(
        all.map((member: { user: { id: string } }) => member.user.id).sort(),
        [memberId, org.owner!.id].sort(),
      );
      assert.ok(all.find((member: { isOwner: boolean }) => member.isOwner).user.id === org.owner!.id);

      const patched = await t.app.inject({
        method: 'PATCH',
        url: `${base}/members/${memberId}`,
        headers: bearer(org.token),
        payload: { roleName: 'member', permissions: { group: 5, manage: [7] }, metadata: { seat: 12 } },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().role.name, 'Member');
      assert.deepEqual(patched.json().permissions, { group: 5, read: [], manage: [7] });
      assert.deepEqual(patched.json().metadata, { seat: 12 });

      // A signed-in Administrator may not make anyone an Owner.
      const admin = await inviteAndGetLink(t, org, {
        email: 'admin@example.com',
        roleName: 'Administrator',
        sendEmail: false,
      });
      const adminSession = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/invitations/accept',
          payload: { token: admin.token, password: 'Admin-pass1!' },
        })
      ).json().session;
      const escalate = await t.app.inject({
        method: 'PATCH',
        url: `${base}/members/${memberId}`,
        headers: bearer(adminSession.token),
        payload: { roleName: 'Owner' },
      });
      assert.equal(escalate.statusCode, 403);
      assert.equal(escalate.json().code, 'ROLE_NOT_ASSIGNABLE');
      const inviteOwner = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(adminSession.token),
        payload: { email: 'wannabe@example.com', roleName: 'Owner' },
      });
      assert.equal(inviteOwner.statusCode, 403);
      const inviteMember = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(adminSession.token),
        payload: { email: 'colleague@example.com' },
      });
      assert.equal(inviteMember.statusCode, 201);
      assert.equal(inviteMember.json().inviter.userId, adminSession.user.id);

      const removed = await t.app.inject({
        method: 'DELETE',
        url: `${base}/members/${memberId}`,
        headers: bearer(org.token),
      });
      assert.equal(removed.statusCode, 204);
      const gone = await t.app.inject({ url: `${base}/members/${memberId}`, headers: bearer(org.token) });
      assert.equal(gone.statusCode, 404);
      // A removed member can be invited again.
      const reinvite = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: 'member@example.com' },
      });
      assert.equal(reinvite.statusCode, 201);
    });

    test('names cannot add a header to the email, and every value is escaped', async () => {
      const { renderInvitationEmail } = await import('../../src/email/templates/invitation.js');
      const { OperatorTemplates } = await import('../../src/email/operator-templates.js');
      const email = renderInvitationEmail(
        {
          to: 'someone@example.com',
          locale: 'en',
          timeZone: 'UTC',
          inviterName: 'Mallory\r\nBcc: victim@example.com',
          organizationName: '<script>alert("x")</script>',
          roleName: 'Member',
          recipientName: null,
          link: 'https://tessera.example/invite/abc?x=1&y=2',
          expiresAt: '2030-01-01T00:00:00.000Z',
          message: null,
          logoUrl: null,
          accentColor: null,
          supportEmail: null,
        },
        new Date('2029-12-25T00:00:00.000Z'),
        OperatorTemplates.none,
      );
      assert.doesNotMatch(email.subject, /[\r\n]/);
      assert.doesNotMatch(email.html, /<script>/);
      assert.match(email.html, /&lt;script&gt;/);
      assert.match(email.html, /href="https:\/\/tessera\.example\/invite\/abc\?x=1&amp;y=2"/);
      assert.match(email.text, /expires on Tuesday, January 1, 2030 at 12:00\sAM UTC \(in 7 days\)/);
    });
  });
}
