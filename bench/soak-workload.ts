/**
 * The soak's mixed workload: every kind of request a client sends to Tessera (the native API's
 * whole invitation lifecycle, the five documented surfaces, the token endpoint, operations) and a
 * share of bad input. Each virtual user works on invitations of its own, so that no two requests
 * race for one invitation and every answer has one expected status.
 */
import { randomBytes } from 'node:crypto';

export interface SoakTarget {
  base: string;
  organizationId: string;
  memberRoleId: string;
  clientId: string;
  clientSecret: string;
  /** The organization client's access token. */
  accessToken: string;
  /** A session of the organization's owner (the documented surfaces that want a user). */
  ownerSession: string;
}

export interface Answer {
  kind: string;
  /** 0 when no response came (connection refused or reset, or no answer within the timeout). */
  status: number;
  ms: number;
  /** Whether the status is one this request may get: its success, a 429 (rate limit), or a 4xx for bad input. */
  expected: boolean;
  body?: string;
}

interface Request {
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Sent as is (bad input), instead of `body` as JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** The client token is sent unless this says otherwise. */
  auth?: 'client' | 'none' | string;
}

/** Everything above the 2xx a request expects is a failure, but for a 429 (the limits are counted, too). */
const RATE_LIMITED = 429;

export class VirtualUser {
  /** Invitations this user created with an email, still PENDING. */
  private readonly emailed: string[] = [];
  /** Link tokens (from `sendEmail: false`) of invitations still PENDING. */
  private readonly links: string[] = [];
  private readonly created: string[] = [];
  private sequence = 0;
  private readonly id = randomBytes(3).toString('hex');

  constructor(
    private readonly target: SoakTarget,
    private readonly record: (answer: Answer) => void,
    private readonly timeoutMs = 30_000,
  ) {}

  private email(tag: string): string {
    return `soak-${tag}-${this.id}-${this.sequence++}@soak.example`;
  }

  private get invitations(): string {
    return `/v1/organizations/${this.target.organizationId}/invitations`;
  }

  /** One request, timed and recorded; resolves with the status and the parsed body (when JSON). */
  private async send(
    kind: string,
    request: Request,
    accepts: (status: number) => boolean,
  ): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { ...request.headers };
    const auth = request.auth ?? 'client';
    if (auth === 'client') headers.authorization = `Bearer ${this.target.accessToken}`;
    else if (auth !== 'none') headers.authorization = auth;
    let body: string | undefined;
    if (request.rawBody !== undefined) body = request.rawBody;
    else if (request.body !== undefined) body = JSON.stringify(request.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const started = performance.now();
    try {
      const response = await fetch(`${this.target.base}${request.path}`, {
        method: request.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      const expected = accepts(response.status) || response.status === RATE_LIMITED;
      this.record({ kind, status: response.status, ms, expected, ...(expected ? {} : { body: text.slice(0, 500) }) });
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, json };
    } catch (error) {
      this.record({ kind, status: 0, ms: performance.now() - started, expected: false, body: String(error) });
      return { status: 0, json: undefined };
    }
  }

  /** Runs requests, one at a time, until `until` (a performance.now() deadline). */
  async run(until: number): Promise<void> {
    while (performance.now() < until) await this.pick()();
  }

  /** A weighted draw over the workload; kinds whose precondition is missing fall back to a create. */
  private pick(): () => Promise<void> {
    const weighted: Array<[number, () => Promise<void>]> = [
      [12, () => this.create()],
      [6, () => this.createLink()],
      [2, () => this.bulk()],
      [6, () => this.list()],
      [6, () => this.get()],
      [3, () => this.resend()],
      [3, () => this.revoke()],
      [4, () => this.lookup()],
      [1, () => this.accept()],
      [2, () => this.decline()],
      [3, () => this.surfaceUsersV1Create()],
      [3, () => this.surfaceUsersV1List()],
      [2, () => this.surfaceOrganizationUsersInvite()],
      [2, () => this.surfaceAdInvite()],
      [2, () => this.surfaceTenantInviteUsers()],
      [1, () => this.surfaceTenantAvailableRoles()],
      [1, () => this.token()],
      [1, () => this.operations()],
      [6, () => this.badInput()],
    ];
    const total = weighted.reduce((sum, [weight]) => sum + weight, 0);
    let draw = Math.random() * total;
    for (const [weight, action] of weighted) {
      draw -= weight;
      if (draw < 0) return action;
    }
    return weighted[0]![1];
  }

  private async create(): Promise<void> {
    const { status, json } = await this.send(
      'create',
      { path: this.invitations, body: { email: this.email('create') } },
      (s) => s === 201,
    );
    if (status === 201) {
      this.emailed.push(json.id);
      this.created.push(json.id);
    }
  }

  private async createLink(): Promise<void> {
    const { status, json } = await this.send(
      'create (sendEmail: false)',
      { path: this.invitations, body: { email: this.email('link'), sendEmail: false } },
      (s) => s === 201,
    );
    if (status === 201) {
      this.links.push(String(json.acceptUrl).split('/invite/')[1]!);
      this.created.push(json.id);
    }
  }

  private async bulk(): Promise<void> {
    const invitations = Array.from({ length: 10 }, () => ({ email: this.email('bulk') }));
    await this.send('bulk (10)', { path: `${this.invitations}/bulk`, body: { invitations } }, (s) => s === 200);
  }

  /** Up to three pages, following the cursor. */
  private async list(): Promise<void> {
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const query = `?limit=20&status=PENDING${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, json } = await this.send(
        'list (cursor pages)',
        { path: `${this.invitations}${query}` },
        (s) => s === 200,
      );
      cursor = status === 200 ? json.nextCursor : undefined;
      if (!cursor) return;
    }
  }

  private async get(): Promise<void> {
    const id = this.created[Math.floor(Math.random() * this.created.length)];
    if (!id) return this.create();
    await this.send('get', { path: `${this.invitations}/${id}` }, (s) => s === 200);
  }

  private async resend(): Promise<void> {
    const id = this.emailed[Math.floor(Math.random() * this.emailed.length)];
    if (!id) return this.create();
    await this.send('resend', { path: `${this.invitations}/${id}/resend`, body: {} }, (s) => s === 200);
  }

  private async revoke(): Promise<void> {
    const id = this.emailed.pop();
    if (!id) return this.create();
    await this.send('revoke', { path: `${this.invitations}/${id}/revoke`, body: {} }, (s) => s === 200);
  }

  private async lookup(): Promise<void> {
    const token = this.links[Math.floor(Math.random() * this.links.length)];
    if (!token) return this.createLink();
    await this.send('lookup', { path: '/v1/invitations/lookup', body: { token }, auth: 'none' }, (s) => s === 200);
  }

  private async accept(): Promise<void> {
    const token = this.links.pop();
    if (!token) return this.createLink();
    await this.send(
      'accept (new account)',
      {
        path: '/v1/invitations/accept',
        body: { token, firstName: 'Soak', lastName: 'Test', password: 'Soak-Passw0rd!' },
        auth: 'none',
      },
      (s) => s === 200,
    );
  }

  private async decline(): Promise<void> {
    const token = this.links.pop();
    if (!token) return this.createLink();
    await this.send('decline', { path: '/v1/invitations/decline', body: { token }, auth: 'none' }, (s) => s === 204);
  }

  private async surfaceUsersV1Create(): Promise<void> {
    await this.send(
      'A POST /users/v1/invites',
      { path: '/users/v1/invites', body: { roleId: this.target.memberRoleId, email: this.email('a') } },
      (s) => s === 200,
    );
  }

  private async surfaceUsersV1List(): Promise<void> {
    const first = await this.send('B GET /users/v1/invites', { path: '/users/v1/invites?limit=20' }, (s) => s === 200);
    const key = first.json?.nextPageStartKey;
    if (key) {
      await this.send(
        'B GET /users/v1/invites',
        { path: `/users/v1/invites?limit=20&nextPageStartKey=${encodeURIComponent(key)}` },
        (s) => s === 200,
      );
    }
  }

  private async surfaceOrganizationUsersInvite(): Promise<void> {
    await this.send(
      'C POST /api/v1/organization/users/invite',
      {
        path: '/api/v1/organization/users/invite',
        body: { emailAddresses: [{ email: this.email('c1') }, { email: this.email('c2') }] },
        auth: `Bearer ${this.target.ownerSession}`,
      },
      (s) => s === 200,
    );
  }

  private async surfaceAdInvite(): Promise<void> {
    await this.send(
      'D POST /users-organizations/v1/ad/invite',
      {
        path: '/users-organizations/v1/ad/invite',
        body: {
          firstName: 'Soak',
          lastName: 'Test',
          email: this.email('d'),
          permissions: { group: 1, read: [1], manage: [] },
        },
        headers: { 'x-session-token': this.target.ownerSession },
      },
      (s) => s === 201,
    );
  }

  private async surfaceTenantInviteUsers(): Promise<void> {
    await this.send(
      'E POST /api/v1.0/external/tenant/inviteusers',
      {
        path: '/api/v1.0/external/tenant/inviteusers',
        body: { users: [{ email: this.email('e'), roleName: 'Member' }] },
      },
      (s) => s === 200,
    );
  }

  private async surfaceTenantAvailableRoles(): Promise<void> {
    await this.send(
      'E GET /api/v1.0/external/tenant/availableroles',
      { path: '/api/v1.0/external/tenant/availableroles' },
      (s) => s === 200,
    );
  }

  private async token(): Promise<void> {
    await this.send(
      'POST /oauth/token',
      {
        path: '/oauth/token',
        body: {
          grant_type: 'client_credentials',
          client_id: this.target.clientId,
          client_secret: this.target.clientSecret,
        },
        auth: 'none',
      },
      (s) => s === 200,
    );
  }

  private async operations(): Promise<void> {
    const path = ['/healthz', '/readyz', '/metrics'][Math.floor(Math.random() * 3)]!;
    await this.send('GET /healthz, /readyz, /metrics', { path, auth: 'none' }, (s) => s === 200);
  }

  /** Requests a client gets wrong: each must be a 4xx, never a 5xx. */
  private async badInput(): Promise<void> {
    const cases: Request[] = [
      { path: this.invitations, rawBody: '{"email": ' },
      { path: this.invitations, body: { email: 'not-an-address' } },
      { path: this.invitations, body: { email: 'crlf@soak.example\r\nBcc: victim@soak.example' } },
      { path: this.invitations, body: { email: this.email('meta'), metadata: { blob: 'x'.repeat(5000) } } },
      { path: this.invitations, body: { email: this.email('role'), roleName: 'No Such Role' } },
      { path: this.invitations, rawBody: 'email=x@soak.example', headers: { 'content-type': 'text/plain' } },
      { path: `${this.invitations}?limit=20&cursor=${'A'.repeat(40)}` },
      { path: `${this.invitations}?limit=1000` },
      { path: `${this.invitations}/not-a-uuid` },
      {
        path: `/v1/organizations/${this.target.organizationId}/invitations/00000000-0000-4000-8000-000000000000/revoke`,
        body: {},
      },
      { path: this.invitations, auth: 'Bearer not.a.token' },
      { path: this.invitations, auth: 'none' },
      { path: '/v1/no-such-route' },
      { path: '/v1/invitations/accept', body: { token: 'x'.repeat(43), password: 'Soak-Passw0rd!' }, auth: 'none' },
      { path: '/users/v1/invites', body: { roleId: 'not-a-uuid', email: this.email('bad-a') } },
      {
        path: '/api/v1.0/external/tenant/inviteusers',
        body: {
          users: [
            { email: 'dup@soak.example', roleName: 'Member' },
            { email: 'DUP@soak.example', roleName: 'Member' },
          ],
        },
      },
      {
        path: '/users-organizations/v1/ad/invite',
        body: { firstName: 'A', lastName: 'B', email: this.email('bad-d'), permissions: { group: 1 } },
      },
      {
        path: '/oauth/token',
        body: { grant_type: 'client_credentials', client_id: this.target.clientId, client_secret: 'sec_wrong' },
        auth: 'none',
      },
    ];
    const request = cases[Math.floor(Math.random() * cases.length)]!;
    await this.send('bad input (4xx expected)', request, (s) => s >= 400 && s < 500);
  }
}
