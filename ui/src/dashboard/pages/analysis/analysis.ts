// 分析研判 as the page shows it: an item's title in the current language, its
// section's name, 失分率 and averages in words, the centre types present.
import { dictionaries, lang, pick, t, type Key } from '../../../lib/i18n';
import type { ItemLoss } from '../../../lib/server-types.gen';
import type { CentreType } from '../../../lib/types.gen';
import { TYPE_ORDER } from '../../stats';
import { rateLabel } from '../reports/reports';

export const itemTitle = (i: Pick<ItemLoss, 'title_zh' | 'title_en'>) => pick({ zh: i.title_zh, en: i.title_en });

/// The default templates' sections by their id (basic, services, safety…); a
/// provincial variant's own section keeps its id.
export function sectionLabel(id: string): string {
  const key = `d.an.sec.${id}`;
  return key in dictionaries[lang.current] ? t(key as Key) : id;
}

/// 失分率 and 销号率 as a percentage with one decimal (0.3333 → "33.3%"), — for none.
export const percent = rateLabel;

/// The bar's width in percent, 0–100.
export const barWidth = (rate: number) => Math.max(0, Math.min(100, rate * 100));

/// An average score with two decimals.
export const average = (n: number) => n.toFixed(2);

/// Points with at most two decimals (12.5, 30).
export const points = (n: number) => String(Math.round(n * 100) / 100);

/// The centre types that have items, in the policy's order.
export function typesOf(items: Pick<ItemLoss, 'centre_type'>[]): CentreType[] {
  return TYPE_ORDER.filter((c) => items.some((i) => i.centre_type === c));
}
