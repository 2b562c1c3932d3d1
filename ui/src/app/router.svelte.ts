// Hash routes survive a WebView reload and need no server support.
export type Route =
  | { name: 'setup' }
  | { name: 'centres' }
  | { name: 'centre'; code: string }
  | { name: 'inspection'; doc: string }
  | { name: 'sync' }
  | { name: 'handoff' };

export function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'setup': return { name: 'setup' };
    case 'sync': return { name: 'sync' };
    case 'handoff': return { name: 'handoff' };
    case 'centre': if (parts[1]) return { name: 'centre', code: parts[1] }; break;
    case 'inspection': if (parts[1]) return { name: 'inspection', doc: parts[1] }; break;
  }
  return { name: 'centres' };
}

export function href(r: Route): string {
  switch (r.name) {
    case 'centre': return `#/centre/${encodeURIComponent(r.code)}`;
    case 'inspection': return `#/inspection/${encodeURIComponent(r.doc)}`;
    default: return `#/${r.name}`;
  }
}

export const router = $state<{ route: Route }>({ route: parse(typeof location === 'undefined' ? '' : location.hash) });

export function go(r: Route): void {
  location.hash = href(r);
}

export function startRouter(): () => void {
  const on = () => { router.route = parse(location.hash); };
  window.addEventListener('hashchange', on);
  on();
  return () => window.removeEventListener('hashchange', on);
}
