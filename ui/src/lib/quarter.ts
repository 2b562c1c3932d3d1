import { t, type Key } from './i18n';

/// `2026Q4` as officials write it: 2026年第四季度 (2026 Q4 in English).
/// Anything that is not a quarter is shown as it is.
export function quarterLabel(q: string): string {
  const m = /^(\d{4})Q([1-4])$/.exec(q);
  if (!m) return q;
  return t('op.period', { year: m[1], q: t(`op.q${m[2]}` as Key) });
}
