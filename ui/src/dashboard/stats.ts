// Totals of the quarterly tables: per city, per type, overall.
import type { Attachment4Row, Attachment5Row } from '../lib/server-types.gen';
import type { CentreType } from '../lib/types.gen';

export const A4_FIELDS = ['built', 'under_construction', 'planned'] as const;
export const A5_FIELDS = ['built', 'reporting', 'self_reported', 'turnover_10k_yuan', 'service_visits', 'staff', 'tenants'] as const;
export const TYPE_ORDER: CentreType[] = ['community', 'block', 'township', 'village'];

type Num<F extends string> = Record<F, number>;

export function sum<F extends string>(rows: Num<F>[], fields: readonly F[]): Num<F> {
  const out = Object.fromEntries(fields.map((f) => [f, 0])) as Num<F>;
  for (const r of rows) for (const f of fields) out[f] += r[f] ?? 0;
  for (const f of fields) out[f] = Math.round(out[f] * 100) / 100; // money in 万元 with decimals
  return out;
}

export type Grouped<R> = { city: string; rows: R[] }[];

/// Rows grouped by city (in first-seen order), types in policy order within each city.
export function byCity<R extends { city: string; centre_type: CentreType }>(rows: R[]): Grouped<R> {
  const cities: string[] = [];
  for (const r of rows) if (!cities.includes(r.city)) cities.push(r.city);
  return cities.map((city) => ({
    city,
    rows: rows.filter((r) => r.city === city).sort((a, b) => TYPE_ORDER.indexOf(a.centre_type) - TYPE_ORDER.indexOf(b.centre_type)),
  }));
}

export function byType<R extends { centre_type: CentreType }, F extends string>(rows: (R & Num<F>)[], fields: readonly F[]) {
  return TYPE_ORDER.map((centre_type) => ({ centre_type, ...sum(rows.filter((r) => r.centre_type === centre_type), fields) }))
    .filter((r) => rows.some((x) => x.centre_type === r.centre_type));
}

export const a4Total = (r: Attachment4Row) => r.built + r.under_construction + r.planned;
export type { Attachment4Row, Attachment5Row };
