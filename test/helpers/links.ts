/**
 * The token of a Tessera link: an invitation's (`…/invite/{token}`), as in an `acceptUrl` or an
 * email, or a password-setup link's (`…/password-setup/{token}`). Fails loudly on anything else.
 */
export function linkToken(link: unknown): string {
  const match = /\/(?:invite|password-setup)\/([A-Za-z0-9_-]+)(?:[?#]|$)/.exec(String(link));
  if (!match) throw new Error(`not a Tessera link: ${String(link)}`);
  return match[1]!;
}
