// Hash routes (#/inspections?quarter=2026Q4…): a reload keeps the page and its filters.
export type Route =
  | { name: 'login' }
  | { name: 'inspections'; query: URLSearchParams }
  | { name: 'inspection'; doc: string }
  | { name: 'centres'; query: URLSearchParams }
  | { name: 'centre'; code: string }
  | { name: 'stats'; query: URLSearchParams }
  | { name: 'charts'; query: URLSearchParams }
  | { name: 'plans'; query: URLSearchParams }
  | { name: 'plan'; id: number }
  | { name: 'problems'; query: URLSearchParams }
  | { name: 'problem'; id: number }
  | { name: 'notice'; id: number }
  | { name: 'figures'; query: URLSearchParams }
  | { name: 'reports'; query: URLSearchParams }
  | { name: 'analysis'; query: URLSearchParams }
  | { name: 'exemplars'; query: URLSearchParams }
  | { name: 'templates' }
  | { name: 'operator' };

export function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const parts = path.split('/').map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  switch (parts[0]) {
    case 'login': return { name: 'login' };
    case 'centres': return { name: 'centres', query };
    case 'stats': return { name: 'stats', query };
    case 'charts': return { name: 'charts', query };
    case 'plans': return { name: 'plans', query };
    case 'plan': if (/^\d+$/.test(parts[1] ?? '')) return { name: 'plan', id: Number(parts[1]) }; break;
    case 'problems': return { name: 'problems', query };
    case 'figures': return { name: 'figures', query };
    case 'reports': return { name: 'reports', query };
    case 'analysis': return { name: 'analysis', query };
    case 'exemplars': return { name: 'exemplars', query };
    case 'templates': return { name: 'templates' };
    case 'operator': return { name: 'operator' };
    case 'problem': if (/^\d+$/.test(parts[1] ?? '')) return { name: 'problem', id: Number(parts[1]) }; break;
    case 'notice': if (/^\d+$/.test(parts[1] ?? '')) return { name: 'notice', id: Number(parts[1]) }; break;
    case 'centre': if (parts[1]) return { name: 'centre', code: parts[1] }; break;
    case 'inspection': if (parts[1]) return { name: 'inspection', doc: parts.slice(1).join('/') }; break;
  }
  return { name: 'inspections', query };
}

export const inspectionHref = (doc: string) => `#/inspection/${encodeURIComponent(doc)}`;
export const centreHref = (code: string) => `#/centre/${encodeURIComponent(code)}`;
export const planHref = (id: number) => `#/plan/${id}`;
export const problemHref = (id: number) => `#/problem/${id}`;
export const noticeHref = (id: number) => `#/notice/${id}`;

/// `#/name?query` with empty values left out.
export function pageHref(name: string, query?: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v != null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return `#/${name}${s ? `?${s}` : ''}`;
}

export const router = $state<{ route: Route; hash: string; lastList: string; lastProblems: string }>({
  route: parse(typeof location === 'undefined' ? '' : location.hash),
  hash: typeof location === 'undefined' ? '' : location.hash,
  /// The inspection list with its filters, for the report's "back" link.
  lastList: '#/inspections',
  /// The ledger with its filters, for the problem page's "back" link.
  lastProblems: '#/problems',
});

function set(hash: string): void {
  router.hash = hash;
  router.route = parse(hash);
  if (router.route.name === 'inspections') router.lastList = hash || '#/inspections';
  if (router.route.name === 'problems') router.lastProblems = hash;
}

export function navigate(hash: string, replace = false): void {
  if (replace) history.replaceState(null, '', hash);
  else location.hash = hash;
  set(hash);
}

export function startRouter(): () => void {
  const on = () => set(location.hash);
  window.addEventListener('hashchange', on);
  on();
  return () => window.removeEventListener('hashchange', on);
}
