/**
 * Concurrent HTTP load on a running Tessera for fault tests: a few loops, each creating an
 * invitation, then reading it back and listing, until stopped. Every answer is kept, so the test
 * can say afterwards which invitations were acknowledged (201) and what the others got.
 */
export interface LoadAnswer {
  kind: 'create' | 'get' | 'list';
  /** HTTP status, or 0 when no response came (connection refused or reset, or no answer in time). */
  status: number;
  at: number;
  retryAfter: string | null;
  contentType: string | null;
  /** The response body, or the network error when no response came. */
  body: string;
}

export interface InvitationLoadOptions {
  base: string;
  organizationId: string;
  token: string;
  concurrency: number;
  /** How long a request may take before it counts as hung. */
  requestTimeoutMs?: number;
}

export class InvitationLoad {
  readonly answers: LoadAnswer[] = [];
  /** Invitation id by email, for every 201 the client got. */
  readonly acknowledged = new Map<string, string>();
  private running = false;
  private loops: Promise<void>[] = [];
  private sequence = 0;
  private readonly prefix = `load-${process.pid}-${Date.now()}`;

  constructor(private readonly options: InvitationLoadOptions) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.concurrency }, (_, loop) => this.loop(loop));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  count(status: number, since = 0): number {
    return this.answers.filter((answer) => answer.status === status && answer.at >= since).length;
  }

  private async loop(loop: number): Promise<void> {
    const invitations = `${this.options.base}/v1/organizations/${this.options.organizationId}/invitations`;
    while (this.running) {
      const email = `${this.prefix}-${loop}-${this.sequence++}@example.com`;
      const created = await this.request('create', invitations, { method: 'POST', body: JSON.stringify({ email }) });
      if (created.status === 201) {
        const { id } = JSON.parse(created.body) as { id: string };
        this.acknowledged.set(email, id);
        await this.request('get', `${invitations}/${id}`);
      }
      await this.request('list', `${invitations}?limit=10`);
      // A loop whose requests fail at once would otherwise spin.
      if (created.status !== 201) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async request(kind: LoadAnswer['kind'], url: string, init: RequestInit = {}): Promise<LoadAnswer> {
    const at = Date.now();
    try {
      const response = await fetch(url, {
        ...init,
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      const answer: LoadAnswer = {
        kind,
        status: response.status,
        at,
        retryAfter: response.headers.get('retry-after'),
        contentType: response.headers.get('content-type'),
        body: await response.text(),
      };
      this.answers.push(answer);
      return answer;
    } catch (error) {
      const answer: LoadAnswer = { kind, status: 0, at, retryAfter: null, contentType: null, body: String(error) };
      this.answers.push(answer);
      return answer;
    }
  }
}
