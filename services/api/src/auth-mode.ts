/**
 * Start-time rules that keep the api from serving more openly than its operator meant:
 * open mode (no tokens: every caller is admin) only on a loopback address unless asked
 * for by name, and TLS settings that are complete or absent, never half-applied.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ApiSecuritySettings {
  addr: string;
  tokens: string;
  tokensFile: string;
  allowOpen: boolean;
  tlsCert: string;
  tlsKey: string;
  tlsClientCa: string;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  // The URL parser writes an IPv6 address in its one canonical form (IPv4-mapped as hex).
  const canonical = new URL(`http://[${h}]/`).hostname;
  if (canonical === '[::1]') return true;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(canonical);
  return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
}

/** The host part of a host:port listen address. */
export function hostOf(addr: string): string {
  return addr.slice(0, addr.lastIndexOf(':'));
}

export function apiSecurityProblems(s: ApiSecuritySettings): string[] {
  const problems: string[] = [];
  const open = !s.tokens && !s.tokensFile;
  if (open && !s.allowOpen && !isLoopbackHost(hostOf(s.addr))) {
    problems.push(
      `ESI_API_ADDR=${s.addr} is not a loopback address and no API tokens are configured, so every caller would be admin: ` +
        'set ESI_API_TOKENS or ESI_API_TOKENS_FILE (<token>=admin, <token>=tenant:<id>), listen on 127.0.0.1, or set ESI_API_ALLOW_OPEN=true to serve open on purpose',
    );
  }
  if (s.tlsClientCa && !(s.tlsCert && s.tlsKey)) {
    problems.push('ESI_API_TLS_CLIENT_CA requires ESI_API_TLS_CERT and ESI_API_TLS_KEY: client certificates are only checked over TLS');
  }
  if (Boolean(s.tlsCert) !== Boolean(s.tlsKey)) {
    problems.push(`${s.tlsCert ? 'ESI_API_TLS_CERT' : 'ESI_API_TLS_KEY'} is set without ${s.tlsCert ? 'ESI_API_TLS_KEY' : 'ESI_API_TLS_CERT'}: TLS needs both`);
  }
  return problems;
}
