/**
 * The bearer token the page sends. Kept in sessionStorage (gone with the tab), and only
 * ever sent to this page's own edge, which passes it to the api.
 */
const KEY = 'esi-console-token';

export function getToken(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

export function authHeaders(): Record<string, string> {
  const t = getToken();
  return t ? { authorization: `Bearer ${t}` } : {};
}
