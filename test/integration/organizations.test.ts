import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { upsertMembership } from '../../src/modules/memberships/membership.repository.js';
import { findBuiltinRole } from '../../src/modules/roles/role.repository.js';
import { findOrCreateUser } from '../../src/modules/users/user.service.js';
import { hashSecret } from '../../src/auth/secrets.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  signIn,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

async function count(t: TestApp, table: 'organizations' | 'roles' | 'users'): Promise<number> {
  const row = await t.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const dialect of DIALECTS) {
  describe(`organizations and roles [${dialect}]`, () => {
    let t: TestApp;
    let platform: string;
    let org: TestOrganization;
    let other: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      platform = await platformToken(t);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
    });
    after(() => t.close());

    test('a platform client creates an organization with its owner and the built-in roles', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: {
          name: 'Acme Corporation',
          owner: { email: 'Wile.E@Acme.example', firstName: 'Wile', password: 'Acme-R0cket!' },
        },
      });
      assert.equal(response.statusCode, 201, response.body);
      const body = response.json();
      assert.equal(body.organization.name, 'Acme Corporation');
      assert.equal(body.organization.slug, 'acme-corporation');
      assert.ok(Number.isInteger(body.organization.numericId) && body.organization.numericId > 0);
      assert.equal(body.organization.owner.email, 'Wile.E@Acme.example');
      assert.deepEqual(body.roles.map((role: { name: string }) => role.name).sort(), [
        'Administrator',
        'Member',
        'Owner',
        'Viewer',
      ]);
      // The documents promise v4 UUIDs for organizations and roles (other rows get time-ordered v7 ids).
      const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      for (const id of [body.organization.id, ...body.roles.map((role: { id: string }) => role.id)])
        assert.match(id, v4);

      // The owner can sign in with the password and reads the organization as an Owner.
      const session = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'wile.e@acme.example', password: 'Acme-R0cket!' },
      });
      assert.equal(session.statusCode, 201);
      const read = await t.app.inject({
        url: `/v1/organizations/${body.organization.id}`,
        headers: bearer(session.json().token),
      });
      assert.equal(read.statusCode, 200);
      assert.equal(read.json().owner.id, body.owner.id);
    });

    test('an organization without an owner has none, until one is assigned', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Ownerless', slug: 'ownerless' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().organization.id;
      assert.equal(created.json().organization.owner, null);

      const assigned = await t.app.inject({
        method: 'PUT',
        url: `/v1/organizations/${id}/owner`,
        headers: bearer(platform),
        payload: { email: 'new.owner@example.com', firstName: 'New' },
      });
      assert.equal(assigned.statusCode, 200, assigned.body);
      assert.equal(assigned.json().owner.email, 'new.owner@example.com');

      const taken = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Another', slug: 'ownerless' },
      });
      assert.equal(taken.statusCode, 409);
      assert.equal(taken.json().code, 'SLUG_TAKEN');
    });

    test('two organizations with the same name get distinct slugs', async () => {
      const slugs = [];
      for (let i = 0; i < 2; i++) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: bearer(platform),
          payload: { name: 'Same Name' },
        });
        assert.equal(response.statusCode, 201);
        slugs.push(response.json().organization.slug);
      }
      assert.equal(slugs[0], 'same-name');
      assert.match(slugs[1], /^same-name-[0-9a-f]{6}$/);
    });

    test('an organization client may not create organizations', async () => {
      const before = await count(t, 'organizations');
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(org.token),
        payload: { name: 'Not allowed' },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().code, 'PLATFORM_CLIENT_REQUIRED');
      assert.equal(await count(t, 'organizations'), before);
    });

    test('bad input is a 400 problem naming the field, and writes nothing', async () => {
      const before = [await count(t, 'organizations'), await count(t, 'users')];
      const cases = [
        { payload: { name: '' }, field: 'name' },
        { payload: { name: 'X', slug: 'Not A Slug' }, field: 'slug' },
        { payload: { name: 'X', owner: { email: 'not-an-email' } }, field: 'owner.email' },
        {
          payload: { name: 'X', owner: { email: 'a@example.com', password: 'weakpassword' } },
          field: 'owner.password',
        },
        { payload: { name: 'X', unexpected: true }, field: 'unexpected' },
        { payload: { name: '   ' }, field: 'name' },
      ];
      for (const { payload, field } of cases) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: bearer(platform),
          payload,
        });
        assert.equal(response.statusCode, 400, `${JSON.stringify(payload)} -> ${response.body}`);
        const problem = response.json();
        assert.equal(problem.code, 'VALIDATION_FAILED');
        assert.ok(
          problem.errors?.some((error: { field: string }) => error.field === field),
          `${JSON.stringify(payload)} -> ${response.body}`,
        );
      }
      assert.deepEqual([await count(t, 'organizations'), await count(t, 'users')], before);
    });

    test('an organization client sees another organization exactly like one that does not exist', async () => {
      const paths = (id: string) => [
        { method: 'GET' as const, url: `/v1/organizations/${id}` },
        { method: 'GET' as const, url: `/v1/organizations/${id}/roles` },
        { method: 'POST' as const, url: `/v1/organizations/${id}/roles`, payload: { name: 'Intruder' } },
        { method: 'PUT' as const, url: `/v1/organizations/${id}/owner`, payload: { email: 'x@example.com' } },
      ];
      const rolesBefore = await count(t, 'roles');
      const foreign = paths(other.organization.id);
      const missing = paths(randomUUID());
      for (let i = 0; i < foreign.length; i++) {
        const a = await t.app.inject({ ...foreign[i]!, headers: bearer(org.token) });
        const b = await t.app.inject({ ...missing[i]!, headers: bearer(org.token) });
        assert.equal(a.statusCode, 404, `${foreign[i]!.method} ${foreign[i]!.url}`);
        const { requestId: _a, ...foreignProblem } = a.json();
        const { requestId: _b, ...missingProblem } = b.json();
        assert.deepEqual(foreignProblem, missingProblem);
      }
      assert.equal(await count(t, 'roles'), rolesBefore);
    });

    test('roles: listed, created, and unique by name without regard to case', async () => {
      const list = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(org.token),
      });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().data.length, 4);
      assert.ok(list.json().data.every((role: { builtin: boolean }) => role.builtin));

      const created = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(org.token),
        payload: { name: 'Billing Manager', description: 'Pays the bills', permissions: ['members:read'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().name, 'Billing Manager');
      assert.equal(created.json().builtin, false);
      assert.deepEqual(created.json().permissions, ['members:read']);

      const duplicate = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(org.token),
        payload: { name: 'billing MANAGER' },
      });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().code, 'ROLE_NAME_TAKEN');

      // The same name is free in another organization.
      const elsewhere = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${other.organization.id}/roles`,
        headers: bearer(other.token),
        payload: { name: 'Billing Manager' },
      });
      assert.equal(elsewhere.statusCode, 201);

      const badPermission = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(org.token),
        payload: { name: 'Weird', permissions: ['launch:missiles'] },
      });
      assert.equal(badPermission.statusCode, 400);
    });

    /** A session of a new user with an ACTIVE membership of one of `org`'s built-in roles. */
    async function sessionWithRole(builtin: 'MEMBER' | 'ADMINISTRATOR', email: string): Promise<string> {
      const role = await findBuiltinRole(t.deps.db, org.organization.id, builtin);
      const password = 'Role-Passw0rd!';
      const user = await findOrCreateUser(t.deps.db, t.clock, { email, passwordHash: await hashSecret(password) });
      const now = new Date().toISOString();
      await upsertMembership(t.deps.db, {
        id: randomUUID(),
        organization_id: org.organization.id,
        user_id: user.id,
        role_id: role!.id,
        scope: 1,
        permissions: '{"group":0,"read":[],"manage":[]}',
        metadata: null,
        status: 'ACTIVE',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      });
      return signIn(t, email, password);
    }

    test('a signed-in Member may read but not manage roles; a stranger sees nothing', async () => {
      const session = { token: await sessionWithRole('MEMBER', 'member@example.com') };
      const read = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(session.token),
      });
      assert.equal(read.statusCode, 200);
      const manage = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(session.token),
        payload: { name: 'Sneaky' },
      });
      assert.equal(manage.statusCode, 403);
      assert.equal(manage.json().code, 'FORBIDDEN');
      const stranger = await t.app.inject({
        url: `/v1/organizations/${other.organization.id}/roles`,
        headers: bearer(session.token),
      });
      assert.equal(stranger.statusCode, 404);
    });

    test('an Administrator cannot create a role holding a permission it lacks (organization:manage): 403 ROLE_NOT_ASSIGNABLE, nothing written', async () => {
      const session = { token: await sessionWithRole('ADMINISTRATOR', 'administrator@example.com') };
      const roles = await count(t, 'roles');

      // organization:manage is the Owner's alone: a role carrying it would let the Administrator
      // (or anyone it is given to) manage the organization and name its owner.
      const escalate = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(session.token),
        payload: { name: 'Shadow Owner', permissions: ['members:read', 'organization:manage'] },
      });
      assert.equal(escalate.statusCode, 403, escalate.body);
      assert.equal(escalate.json().code, 'ROLE_NOT_ASSIGNABLE');
      assert.equal(await count(t, 'roles'), roles);

      // The same rule binds a client: a token narrowed to roles:manage cannot mint a role with more.
      const narrowed = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: org.clientSecret,
          scope: 'roles:manage',
        },
      });
      const clientEscalate = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(narrowed.json().access_token),
        payload: { name: 'Inviter', permissions: ['invitations:manage'] },
      });
      assert.equal(clientEscalate.statusCode, 403, clientEscalate.body);
      assert.equal(clientEscalate.json().code, 'ROLE_NOT_ASSIGNABLE');
      assert.equal(await count(t, 'roles'), roles);

      // Within its own permissions the Administrator still creates roles.
      const allowed = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(session.token),
        payload: { name: 'Recruiter', permissions: ['invitations:manage', 'members:read'] },
      });
      assert.equal(allowed.statusCode, 201, allowed.body);
      assert.equal(await count(t, 'roles'), roles + 1);
    });

    test('a token narrowed to read scopes cannot write', async () => {
      const narrowed = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: org.clientSecret,
          scope: 'roles:read',
        },
      });
      const token = narrowed.json().access_token;
      const write = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(token),
        payload: { name: 'Scoped' },
      });
      assert.equal(write.statusCode, 403);
    });
  });
}
