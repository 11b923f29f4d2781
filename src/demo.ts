import { randomBytes } from 'node:crypto';
import type { ServiceDeps } from './deps.js';
import { isAppError } from './http/errors.js';
import { createClient } from './modules/clients/client.service.js';
import { countOrganizations } from './modules/organizations/organization.repository.js';
import { createOrganization } from './modules/organizations/organization.service.js';

export interface DemoCredentials {
  organizationId: string;
  ownerEmail: string;
  ownerPassword: string;
  clientId: string;
  clientSecret: string;
}

/**
 * On an empty database, a demo organization to try Tessera with at once. Nothing happens once any
 * organization exists, so a real installation is never touched.
 */
export async function seedDemoOrganization(deps: ServiceDeps): Promise<DemoCredentials | undefined> {
  if ((await countOrganizations(deps.db)) > 0) return undefined;
  // Meets the password policy: upper, lower, digit and special character.
  const ownerPassword = `Demo-${randomBytes(9).toString('base64url')}-7a`;
  const ownerEmail = 'owner@demo.example';
  try {
    const { organization } = await createOrganization(deps, {
      name: 'Demo Organization',
      slug: 'demo',
      owner: { email: ownerEmail, firstName: 'Demo', lastName: 'Owner', password: ownerPassword },
    });
    const client = await createClient(deps, { organizationId: organization.id, name: 'Demo client' });
    return {
      organizationId: organization.id,
      ownerEmail,
      ownerPassword,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    };
  } catch (error) {
    // Another process seeded it first.
    if (isAppError(error) && error.code === 'SLUG_TAKEN') return undefined;
    throw error;
  }
}

/** The first-start banner: printed to the terminal once, never written to the logs. */
export function demoBanner(demo: DemoCredentials, publicUrl: string): string {
  return [
    '',
    '  Tessera is running. A demo organization was created on this empty database:',
    '',
    `    organization   ${demo.organizationId}`,
    `    owner sign-in  ${demo.ownerEmail} / ${demo.ownerPassword}`,
    `    client id      ${demo.clientId}`,
    `    client secret  ${demo.clientSecret}`,
    '',
    '  Get an access token:',
    '',
    `    curl -s -X POST ${publicUrl}/oauth/token \\`,
    `      -u '${demo.clientId}:${demo.clientSecret}' \\`,
    `      -d grant_type=client_credentials`,
    '',
    `  API reference: ${publicUrl}/docs   (the secret is shown only this once)`,
    '',
  ].join('\n');
}
