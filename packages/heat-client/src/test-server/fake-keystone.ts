/**
 * The Keystone v3 token API as far as password authentication goes: it checks the
 * credentials, issues tokens with a lifetime and a catalog that points at the fake Heat.
 */
import { randomUUID } from 'node:crypto';
import { json, type Reply } from './reply.js';

export interface KeystoneAccount {
  readonly username: string;
  readonly password: string;
  readonly userDomainName: string;
  readonly userDomainId: string;
  readonly projectName: string;
  readonly projectDomainName: string;
  readonly projectDomainId: string;
  readonly projectId: string;
  readonly region: string;
}

interface IssuedToken {
  readonly projectId: string;
  readonly expiresAt: number;
}

interface DomainRef {
  id?: unknown;
  name?: unknown;
}

interface PasswordAuth {
  auth?: {
    identity?: { methods?: unknown; password?: { user?: { name?: unknown; password?: unknown; domain?: DomainRef } } };
    scope?: { project?: { id?: unknown; name?: unknown; domain?: DomainRef } };
  };
}

const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } };

export class FakeKeystone {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Tokens issued so far. */
  issued = 0;

  constructor(
    private readonly account: KeystoneAccount,
    private readonly tokenTtlMs: number,
    private readonly heatUrl: () => string,
  ) {}

  issue(body: unknown): Reply {
    const auth = (body as PasswordAuth | undefined)?.auth;
    const user = auth?.identity?.password?.user;
    const project = auth?.scope?.project;
    const a = this.account;
    const methods = auth?.identity?.methods;
    // Keystone identifies a domain or project by id, or by name (a project's name only
    // within its domain).
    const isDomain = (ref: DomainRef | undefined, id: string, name: string) =>
      ref !== undefined && (ref.id !== undefined ? ref.id === id : ref.name === name);
    const projectMatches =
      project !== undefined &&
      (project.id !== undefined
        ? project.id === a.projectId
        : project.name === a.projectName && isDomain(project.domain, a.projectDomainId, a.projectDomainName));
    const matches =
      Array.isArray(methods) &&
      methods.includes('password') &&
      user?.name === a.username &&
      user.password === a.password &&
      isDomain(user.domain, a.userDomainId, a.userDomainName) &&
      projectMatches;
    if (!matches) return json(401, UNAUTHORIZED);
    const id = `gAAAA${randomUUID().replaceAll('-', '')}`;
    const issuedAt = Date.now();
    const expiresAt = issuedAt + this.tokenTtlMs;
    this.tokens.set(id, { projectId: a.projectId, expiresAt });
    this.issued += 1;
    return json(
      201,
      {
        token: {
          methods: ['password'],
          issued_at: new Date(issuedAt).toISOString(),
          expires_at: new Date(expiresAt).toISOString(),
          user: { name: a.username, domain: { id: a.userDomainId, name: a.userDomainName } },
          project: { id: a.projectId, name: a.projectName, domain: { id: a.projectDomainId, name: a.projectDomainName } },
          catalog: [
            {
              type: 'orchestration',
              name: 'heat',
              endpoints: (['public', 'internal', 'admin'] as const).map((iface) => ({
                interface: iface,
                region: a.region,
                region_id: a.region,
                url: `${this.heatUrl()}/v1/${a.projectId}`,
              })),
            },
          ],
        },
      },
      { 'X-Subject-Token': id },
    );
  }

  /** The project a valid token is scoped to, or undefined (missing, unknown, expired). */
  check(tokenId: string | undefined): string | undefined {
    const token = tokenId === undefined ? undefined : this.tokens.get(tokenId);
    if (!token || token.expiresAt <= Date.now()) return undefined;
    return token.projectId;
  }

  /** Every token stops working now, as after a Keystone key rotation. */
  revokeAll(): void {
    this.tokens.clear();
  }

  unauthorized(): Reply {
    return json(401, UNAUTHORIZED);
  }
}
