/**
 * Keystone v3 password authentication: one project-scoped token, cached and shared by
 * every request, issued again shortly before it expires or when a service answers 401.
 */
import { EndpointNotFoundError, KeystoneAuthError } from './errors.js';
import { errorDetail, sendJson } from './http.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';

export interface KeystoneCredentials {
  /** OS_AUTH_URL, with or without the trailing `/v3`. */
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  readonly userDomainName: string;
  readonly projectDomainName: string;
  /** Pick the orchestration endpoint of this region; any region when empty. */
  readonly regionName?: string;
  /** Which catalog endpoint to use (OS_INTERFACE). */
  readonly interface?: 'public' | 'internal' | 'admin';
}

export interface KeystoneOptions {
  /** Issue a new token this long before the old one expires (at most half its lifetime). */
  readonly refreshMarginMs?: number;
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
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
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  /** How many tokens this session has issued (for logs and tests). */
  issued = 0;

  constructor(
    private readonly credentials: KeystoneCredentials,
    options: KeystoneOptions = {},
  ) {
    this.authUrl = normalizeAuthUrl(credentials.authUrl);
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.now = options.now ?? Date.now;
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

  private async issue(): Promise<Token> {
    const token = await withRetry(() => this.requestToken(), this.retry);
    this.current = token;
    this.issued += 1;
    return token;
  }

  private async requestToken(): Promise<Token> {
    const c = this.credentials;
    const response = await sendJson({
      method: 'POST',
      url: `${this.authUrl}/auth/tokens`,
      timeoutMs: this.requestTimeoutMs,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } },
          },
          scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
        },
      },
    });
    if (response.status !== 201 && response.status !== 200) {
      const { message } = errorDetail(response);
      throw new KeystoneAuthError(response.status, `Keystone refused the token request for ${c.username}@${c.projectName}: ${response.status} ${message}`);
    }
    const id = response.headers.get('x-subject-token');
    const body = (response.json ?? {}) as TokenBody;
    const expiresAt = Date.parse(body.token?.expires_at ?? '');
    if (!id || !Number.isFinite(expiresAt)) {
      throw new KeystoneAuthError(502, 'Keystone answered without X-Subject-Token or token.expires_at');
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
