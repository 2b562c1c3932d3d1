import { t, type Key } from '../lib/i18n';
import { lang } from '../lib/lang.svelte';
import type { ItemStatus, Purpose } from '../lib/types.gen';

export const statusLabel = (s: string) => (['draft', 'submitted', 'returned', 'approved'].includes(s) ? t(`istatus.${s}` as Key) : s);
export const purposeLabel = (p: Purpose) => t(`purpose.${p}` as Key);

/// A task's document nobody has worked on yet: the server creates it with one
/// change when it assigns, so a draft with no other has not started (its
/// score, computed from the registry alone, would only mislead).
export const untouched = (r: { status: string; change_count: number }) => r.status === 'draft' && r.change_count <= 1;
export const itemStatusLabel = (s: ItemStatus) => t(`itemstatus.${s}` as Key);

/// Date and time with the year, local time.
export function dateTime(ms: number | null | undefined): string {
  if (ms == null) return '';
  return new Date(ms).toLocaleString(lang.current === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

export function timeOnly(ms: number): string {
  return new Date(ms).toLocaleTimeString(lang.current === 'en' ? 'en-GB' : 'zh-CN', { hour: '2-digit', minute: '2-digit' });
}

export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  return t('d.r.duration', { h: Math.floor(min / 60), m: min % 60 });
}

export function num(n: number, digits = 0): string {
  return n.toLocaleString(lang.current === 'en' ? 'en-GB' : 'zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export const score = (n: number | null | undefined) => (n == null ? '—' : (Math.round(n * 10) / 10).toFixed(1));

/// A ratio as a percentage's number, at most two decimals (0.104 → "10.4"); the caller adds "%".
export const pct = (ratio: number) => num(Math.round(ratio * 10_000) / 100, 2);

/// The top of a score axis: 100, or above it when a bonus (加分项) took a
/// total past 100, so no point is drawn off the chart.
export function scoreAxisMax(values: Array<number | null | undefined>): number {
  const top = Math.max(100, ...values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  return Math.ceil(top / 5) * 5;
}
