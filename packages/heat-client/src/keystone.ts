/**
 * Keystone v3 password authentication: one project-scoped token, cached and shared by
 * every request, issued again shortly before it expires or when a service answers 401.
 * The token request is not retried here: it runs inside the caller's one retry loop
 * (HeatClient), so an outage is not retried twice over.
 */
import { EndpointNotFoundError, KeystoneAuthError } from './errors.js';
import { errorDetail, HttpTransport } from './http.js';

export interface KeystoneCredentials {
  /** OS_AUTH_URL, with or without the trailing `/v3`. */
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  /** Project scope by id (OS_PROJECT_ID); when set the project's name and domain are not sent. */
  readonly projectId?: string;
  /** Project scope by name (OS_PROJECT_NAME), within the project's domain. */
  readonly projectName?: string;
  /** The user's domain: by id (OS_USER_DOMAIN_ID) if set, else by name (default `Default`). */
  readonly userDomainId?: string;
  readonly userDomainName?: string;
  /** The project's domain, for a project named rather than given by id. */
  readonly projectDomainId?: string;
  readonly projectDomainName?: string;
  /** Pick the orchestration endpoint of this region; any region when empty. */
  readonly regionName?: string;
  /** Which catalog endpoint to use (OS_INTERFACE). */
  readonly interface?: 'public' | 'internal' | 'admin';
}

export interface KeystoneOptions {
  /** Issue a new token this long before the old one expires (at most half its lifetime). */
  readonly refreshMarginMs?: number;
  readonly requestTimeoutMs?: number;
  /** PEM CA certificate(s) for https endpoints (OS_CACERT); Keystone's and Heat's alike. */
  readonly caCert?: string;
  readonly now?: () => number;
}

export interface Token {
  readonly id: string;
  readonly expiresAt: number;
  readonly projectId: string;
  /** The Heat base URL from the catalog, e.g. `http://heat:8004/v1/<project id>`. */
  readonly orchestrationUrl: string;
  /** When to stop using it and issue a new one. */
  readonly refreshAt: number;
}

interface CatalogEntry {
  type?: string;
  endpoints?: { interface?: string; region?: string; region_id?: string; url?: string }[];
}

interface TokenBody {
  token?: { expires_at?: string; issued_at?: string; project?: { id?: string }; catalog?: CatalogEntry[] };
}

export class KeystoneSession {
  private current: Token | undefined;
  private pending: Promise<Token> | undefined;
  private readonly authUrl: string;
  private readonly refreshMarginMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  /** Connections (and the CA) shared with the HeatClient built on this session. */
  readonly transport: HttpTransport;
  /** How many tokens this session has issued (for logs and tests). */
  issued = 0;
  /** `x-openstack-request-id` of the last token request Keystone answered. */
  lastRequestId: string | undefined;

  constructor(
    private readonly credentials: KeystoneCredentials,
    options: KeystoneOptions = {},
  ) {
    const problems = credentialProblems(credentials);
    if (problems.length > 0) throw new Error(`Keystone credentials: ${problems.join('; ')}`);
    this.authUrl = normalizeAuthUrl(credentials.authUrl);
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.transport = new HttpTransport({ caCert: options.caCert });
  }

  /** A token valid for a while yet; concurrent callers share one issue request. */
  async token(): Promise<Token> {
    const current = this.current;
    if (current && this.now() < current.refreshAt) return current;
    this.pending ??= this.issue().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget `tokenId` (a service rejected it) so the next call issues a new one. */
  invalidate(tokenId: string): void {
    if (this.current?.id === tokenId) this.current = undefined;
  }

  /** Closes idle connections (Keystone's and Heat's). */
  close(): void {
    this.transport.close();
  }

  private async issue(): Promise<Token> {
    const token = await this.requestToken();
    this.current = token;
    this.issued += 1;
    return token;
  }

  private async requestToken(): Promise<Token> {
    const c = this.credentials;
    const response = await this.transport.send({
      method: 'POST',
      url: `${this.authUrl}/auth/tokens`,
      timeoutMs: this.requestTimeoutMs,
      body: passwordAuthBody(c),
    });
    this.lastRequestId = response.requestId;
    if (response.status !== 201 && response.status !== 200) {
      const { message } = errorDetail(response);
      throw new KeystoneAuthError(
        response.status,
        `Keystone refused the token request for ${c.username}@${c.projectId ?? c.projectName}: ${response.status} ${message}`,
        { requestId: response.requestId, retryAfterMs: response.retryAfterMs },
      );
    }
    const id = response.header('x-subject-token');
    const body = (response.json ?? {}) as TokenBody;
    const expiresAt = Date.parse(body.token?.expires_at ?? '');
    if (!id || !Number.isFinite(expiresAt)) {
      throw new KeystoneAuthError(502, 'Keystone answered without X-Subject-Token or token.expires_at', { requestId: response.requestId });
    }
    const issuedAt = Date.parse(body.token?.issued_at ?? '');
    const start = Number.isFinite(issuedAt) ? Math.min(issuedAt, this.now()) : this.now();
    const margin = Math.min(this.refreshMarginMs, Math.max(0, (expiresAt - start) / 2));
    return {
      id,
      expiresAt,
      refreshAt: expiresAt - margin,
      projectId: body.token?.project?.id ?? '',
      orchestrationUrl: this.orchestrationUrl(body.token?.catalog ?? []),
    };
  }

  private orchestrationUrl(catalog: readonly CatalogEntry[]): string {
    const wanted = this.credentials.interface ?? 'public';
    const region = this.credentials.regionName ?? '';
    for (const entry of catalog) {
      if (entry.type !== 'orchestration') continue;
      for (const endpoint of entry.endpoints ?? []) {
        if ((endpoint.interface ?? 'public') !== wanted) continue;
        if (region !== '' && endpoint.region !== region && endpoint.region_id !== region) continue;
        if (endpoint.url) return endpoint.url.replace(/\/+$/, '');
      }
    }
    throw new EndpointNotFoundError(
      `The service catalog has no ${wanted} orchestration (Heat) endpoint${region ? ` in region ${region}` : ''}`,
    );
  }
}

/** `http://keystone:5000`, `…/v3` and `…/v3/` all mean the v3 API root. */
export function normalizeAuthUrl(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  return trimmed.endsWith('/v3') ? trimmed : `${trimmed}/v3`;
}

/** What is missing or contradictory in a set of credentials (empty when usable). */
export function credentialProblems(c: KeystoneCredentials): string[] {
  const problems: string[] = [];
  if (!c.username?.trim()) problems.push('a user name is required');
  if (!c.projectId?.trim() && !c.projectName?.trim()) problems.push('a project id or a project name is required');
  return problems;
}

// Keystone v3 password auth scoped to a project. An id, where given, names a domain or
// project unambiguously, so it is sent instead of the name.
function passwordAuthBody(c: KeystoneCredentials): unknown {
  const userDomain = c.userDomainId ? { id: c.userDomainId } : { name: c.userDomainName || 'Default' };
  const project = c.projectId
    ? { id: c.projectId }
    : { name: c.projectName, domain: c.projectDomainId ? { id: c.projectDomainId } : { name: c.projectDomainName || 'Default' } };
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: c.username, domain: userDomain, password: c.password } } },
      scope: { project },
    },
  };
}
