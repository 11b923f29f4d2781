import { type Command, Option } from 'commander';
import { fail, print, UUID, withDatabase } from './cli-support.js';
import { EVENT_TYPES, type EventType } from './modules/events/event.types.js';
import { listDeliveries, retryWebhookDelivery } from './modules/webhooks/webhook-delivery.service.js';
import { createWebhookEndpoint, listEndpoints } from './modules/webhooks/webhook-endpoint.service.js';

/** `--org <id>` names an organization's endpoints; without it, the platform's (every organization's events). */
function ownerOf(options: { org?: string }): string | null {
  if (options.org === undefined) return null;
  if (!UUID.test(options.org)) fail('--org is an organization id (a UUID)');
  return options.org.toLowerCase();
}

const orgOption = () => new Option('--org <id>', "an organization's endpoints (default: the platform's)");

/** `tessera webhook list|create|deliveries|retry`: the operator's view of webhook endpoints. */
export function registerWebhookCommands(program: Command): void {
  const webhook = program.command('webhook').description('manage webhook endpoints and their deliveries');

  webhook
    .command('list')
    .description('list webhook endpoints')
    .addOption(orgOption())
    .option('--json', 'print JSON')
    .action(async (options: { org?: string; json?: boolean }) => {
      const owner = ownerOf(options);
      const { data } = await withDatabase((deps) => listEndpoints(deps, owner, { limit: 100 }));
      const lines = data.map(
        (e) => `${e.id}  ${e.enabled ? 'enabled ' : 'disabled'}  ${e.url}  ${e.eventTypes.join(',')}`,
      );
      print(Boolean(options.json), { endpoints: data }, lines.length ? lines.join('\n') : 'no endpoints');
    });

  webhook
    .command('create')
    .description('create a webhook endpoint (its secret is printed once)')
    .requiredOption('--url <url>', 'https, reaching public addresses only')
    .option('--events <types>', `comma-separated event types, or * (${EVENT_TYPES.length} types)`, '*')
    .option('--description <text>', 'what it is for')
    .addOption(orgOption())
    .option('--json', 'print JSON')
    .action(async (options: { url: string; events: string; description?: string; org?: string; json?: boolean }) => {
      const owner = ownerOf(options);
      const types = options.events.split(',').map((type) => type.trim());
      const unknown = types.filter((type) => type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type));
      if (unknown.length > 0) fail(`unknown event type(s): ${unknown.join(', ')}`);
      const created = await withDatabase((deps) =>
        createWebhookEndpoint(deps, owner, {
          url: options.url,
          eventTypes: types as Array<EventType | '*'>,
          description: options.description,
        }),
      );
      print(Boolean(options.json), created, `${created.id}  ${created.url}\nsecret (shown once): ${created.secret}`);
    });

  webhook
    .command('deliveries <endpointId>')
    .description("list an endpoint's deliveries, newest first")
    .addOption(new Option('--status <status>', 'only this status').choices(['PENDING', 'SUCCEEDED', 'FAILED', 'DEAD']))
    .addOption(orgOption())
    .option('--json', 'print JSON')
    .action(
      async (
        endpointId: string,
        options: { status?: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'DEAD'; org?: string; json?: boolean },
      ) => {
        if (!UUID.test(endpointId)) fail('the endpoint id is a UUID');
        const owner = ownerOf(options);
        const { data } = await withDatabase((deps) =>
          listDeliveries(deps, owner, endpointId, { limit: 100, status: options.status }),
        );
        const lines = data.map(
          (d) =>
            `${d.id}  ${d.status.padEnd(9)} ${String(d.attempts).padStart(2)}  ${d.eventType}  ${d.lastResponseStatus ?? ''}${d.lastError ? `  (${d.lastError})` : ''}`,
        );
        print(Boolean(options.json), { deliveries: data }, lines.length ? lines.join('\n') : 'no deliveries');
      },
    );

  webhook
    .command('retry <endpointId> <deliveryId>')
    .description('send a delivery again now (a DEAD one too)')
    .addOption(orgOption())
    .option('--json', 'print JSON')
    .action(async (endpointId: string, deliveryId: string, options: { org?: string; json?: boolean }) => {
      if (!UUID.test(endpointId) || !UUID.test(deliveryId)) fail('endpoint and delivery ids are UUIDs');
      const owner = ownerOf(options);
      const retried = await withDatabase((deps) => retryWebhookDelivery(deps, owner, endpointId, deliveryId));
      print(Boolean(options.json), retried, `${retried.id} queued again`);
    });
}
