// Figures of a statistics period (统计期) as the pages show them.
import { t } from '../../../lib/i18n';
import { quarterLabel } from '../../../lib/quarter';
import type { Figure, FigureWarning } from '../../../lib/server-types.gen';
import { num } from '../../fmt';
import { shiftQuarter } from '../../quarters';

/// `2026Q3` as officials write it: 2026年第三季度 (2026 Q3 in English).
/// The one rule for every quarter shown, app and dashboard (lib/quarter.ts).
export const periodLabel = quarterLabel;

/// The periods a report may name: the one due and the seven before it, newest first.
export function reportablePeriods(due: string): string[] {
  return Array.from({ length: 8 }, (_, i) => shiftQuarter(due, -i));
}

export const figureLabel = (f: Figure) => t(`op.fig.${f}` as 'op.fig.turnover');
const value = (f: Figure, v: number) => num(v, f === 'turnover' ? 2 : 0);

/// A warning in words, with the figures it is about.
export function warningText(w: FigureWarning): string {
  switch (w.code) {
    case 'change_over_half':
      return t('op.w.change', { figure: figureLabel(w.figure), period: periodLabel(w.previous_period),
        previous: value(w.figure, w.previous), current: value(w.figure, w.current) });
    case 'turnover_without_staff': return t('op.w.no_staff');
    case 'turnover_without_visits': return t('op.w.no_visits');
    case 'visits_without_turnover': return t('op.w.no_turnover');
  }
}
