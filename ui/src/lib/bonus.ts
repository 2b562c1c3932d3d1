// Bonus sections (加分项): encouraged practice scored outside the 100 and
// added on top, each up to its cap; absence costs nothing. Reports stored
// before bonus sections existed carry base_total 0 and bonus 0 and their
// total is the whole score: they show the total alone, as before.
import type { I18n, ItemScore, Report, Section, SectionScore, Template } from './types.gen';
import { pick, t } from './i18n';

export const isBonusSection = (s: Pick<Section, 'kind'>) => s.kind === 'bonus';

/// Whether a report splits its total into 基本分 + 加分: only reports scored
/// with bonus sections, and not those stored before the split existed.
export function hasBonusBreakdown(report: Pick<Report, 'base_total' | 'bonus' | 'sections'>): boolean {
  if (!report.base_total && !report.bonus) return false;
  return report.sections.some((s) => s.bonus);
}

/// Whether a section row of a report is a bonus section (the report says so;
/// the template is asked for rows scored before the flag existed).
export function sectionIsBonus(s: Pick<SectionScore, 'id' | 'bonus'>, template: Pick<Template, 'sections'>): boolean {
  return s.bonus === true || template.sections.some((x) => x.id === s.id && isBonusSection(x));
}

/// The cap of a template section (0 when it has none).
export const capOf = (template: Pick<Template, 'sections'>, id: string) => template.sections.find((x) => x.id === id)?.cap ?? 0;

/// The ids of the items of bonus sections.
export function bonusItems(template: Pick<Template, 'sections'>): Set<string> {
  return new Set(template.sections.filter(isBonusSection).flatMap((s) => s.items.map((i) => i.id)));
}

/// A bonus item that added nothing: shown as 未加分, never as a failure.
export const noBonus = (s: Pick<ItemScore, 'status' | 'points'>) =>
  (s.status === 'failed' || s.status === 'partial') && s.points <= 0;

/// A bonus section's own title when it has one besides the generic 加分项
/// (null: the section is simply called 加分项, so the label says it all).
export function bonusOwnTitle(template: Pick<Template, 'sections'>, id: string): I18n | null {
  const s = template.sections.find((x) => x.id === id);
  if (!s) return null;
  return GENERIC.includes(s.title.zh.trim()) ? null : s.title;
}
const GENERIC = ['加分项', '加分'];

/// A section's name in lists: a bonus section reads 加分项（上限 5 分） (after
/// its own title, when it has one); other sections keep their title.
export function sectionName(section: Pick<Section, 'title' | 'kind' | 'cap'>): string {
  if (!isBonusSection(section)) return pick(section.title);
  const label = t('score.bonus_cap', { n: section.cap ?? 0 });
  return GENERIC.includes(section.title.zh.trim()) ? label : `${pick(section.title)} · ${label}`;
}
