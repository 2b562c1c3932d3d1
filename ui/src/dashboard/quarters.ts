/// "2026Q4" for a date (UTC+8, the offices' time).
export function quarterOf(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/// The current quarter and the n-1 before it, newest first.
export function recentQuarters(n = 8, now = Date.now()): string[] {
  const q = quarterOf(now);
  let y = Number(q.slice(0, 4));
  let k = Number(q.slice(5));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${y}Q${k}`);
    k -= 1;
    if (k === 0) { k = 4; y -= 1; }
  }
  return out;
}

/// The quarter whose statistics are due: the one just finished (reports go in at the start of the next).
export function previousQuarter(now = Date.now()): string {
  return recentQuarters(2, now)[1];
}

/// Statistics are reported at the start of the next quarter: in a quarter's
/// first month default to the quarter just finished, otherwise to the current one.
export function statsDefaultQuarter(now = Date.now()): string {
  const d = new Date(now + 8 * 3_600_000);
  return d.getUTCMonth() % 3 === 0 ? previousQuarter(now) : quarterOf(now);
}

/// The quarter `n` after `q` (negative: before): `2026Q4`, 1 → `2027Q1`.
export function shiftQuarter(q: string, n: number): string {
  const index = Number(q.slice(0, 4)) * 4 + Number(q.slice(5)) - 1 + n;
  return `${Math.floor(index / 4)}Q${(((index % 4) + 4) % 4) + 1}`;
}

/// Quarters to plan for: the previous one, the current one and the next `ahead`, oldest first.
export function planQuarters(ahead = 3, now = Date.now()): string[] {
  const q = quarterOf(now);
  return Array.from({ length: ahead + 2 }, (_, i) => shiftQuarter(q, i - 1));
}

/// The instant a quarter ends (midnight UTC+8 at the start of the next one).
export function quarterEnd(q: string): number {
  const next = shiftQuarter(q, 1);
  const y = Number(next.slice(0, 4));
  const k = Number(next.slice(5));
  return Date.UTC(y, (k - 1) * 3, 1) - 8 * 3_600_000;
}

export const quarterEnded = (q: string, now = Date.now()) => now >= quarterEnd(q);
