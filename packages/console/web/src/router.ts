/** Hash routes, so the edge serves one page and links can be shared: #/resources/<type>, #/resource/<type>/<id>/<tab>. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'resources'; type: string; params: URLSearchParams }
  | { page: 'resource'; type: string; id: string; tab: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'resource' && parts[1] && parts[2]) return { page: 'resource', type: parts[1], id: parts[2], tab: parts[3] ?? 'graph' };
  return { page: 'resources', type: parts[1] ?? 'gw_interface', params: new URLSearchParams(query) };
}

export const resourceHref = (type: string, id: string, tab = 'graph'): string => `#/resource/${encodeURIComponent(type)}/${encodeURIComponent(id)}/${tab}`;

export const listHref = (type: string, params: Record<string, string> = {}): string => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#/resources/${encodeURIComponent(type)}${q ? `?${q}` : ''}`;
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
