// The quarterly report chain (季度报表) as the pages show it: statuses, levels,
// why a region cannot submit, the heading's checks, the server's refusals.
import { t, type Key } from '../../../lib/i18n';
import type { ReportHeader, ReportLevel, ReportStatus, ReportSummary, Scope, SubmitBlock } from '../../../lib/server-types.gen';
import { ApiError } from '../../api';
import { errorMessage } from '../../session.svelte';

/// The region's own name: 长安区, 石家庄市, 河北省 (the whole country: 全国).
export const regionName = (s: Scope) => s.county || s.city || s.province || t('d.rep.nation');

export const statusLabel = (s: ReportStatus) => t(`d.rep.status.${s}` as Key);
export const levelLabel = (l: ReportLevel | null) => t(`d.rep.level.${l ?? 'nation'}` as Key);
export const blockLabel = (b: SubmitBlock) => t(`d.rep.block.${b}` as Key);
export const versionLabel = (n: number) => t('d.rep.version', { n });

/// Approved by the level above, or (a province's) reported to the ministry: a later version is a correction.
export const accepted = (v: Pick<ReportSummary, 'status'> | null | undefined) => v?.status === 'approved' || v?.status === 'reported';

/// 及时率 as a percentage with one decimal, — when nothing was due.
export const rateLabel = (rate: number | null) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);

/// The office that fills a region's report, as the tables' 填报单位 names it:
/// 石家庄市长安区商务局, 石家庄市商务局, 河北省商务厅.
export function defaultUnit(s: Scope): string {
  if (s.county) return `${s.city}${s.county}商务局`;
  if (s.city) return `${s.city}商务局`;
  return s.province ? `${s.province}商务厅` : '';
}

export const PHONE = /^[0-9 +\-()]+$/;
export const MAX = { unit: 64, preparer: 32, checker: 32, phone: 32, reason: 500, comment: 500 } as const;

/// The heading's checks, as the server makes them: every field, 联系电话 of digits, spaces, + - ( ), at least 5.
export function headerProblem(h: ReportHeader): { field: keyof ReportHeader; message: string } | null {
  for (const field of ['unit', 'preparer', 'checker', 'phone'] as const) {
    if (!h[field].trim()) return { field, message: t('d.rep.err.missing') };
    if ([...h[field].trim()].length > MAX[field]) {
      return { field, message: t('d.rep.err.too_long', { field: t(`d.rep.h.${field}` as Key), max: MAX[field] }) };
    }
  }
  const phone = h.phone.trim();
  if (!PHONE.test(phone) || phone.length < 5) return { field: 'phone', message: t('d.rep.err.phone') };
  return null;
}

/// A refusal in words: the server's reason where it has one worth showing.
export function refusal(e: unknown): string {
  if (e instanceof ApiError && e.status === 409) {
    const pending = /^not yet approved: (.*)$/.exec(e.message);
    if (pending) return t('d.rep.pending', { list: pending[1] });
    if (/has not ended/.test(e.message)) return blockLabel('quarter_open');
    if (/awaits review/.test(e.message)) return blockLabel('awaiting_review');
    if (/no region below/.test(e.message)) return blockLabel('no_parts');
    if (/newest version awaiting review/.test(e.message)) return t('d.rep.err.not_awaiting');
    if (/submitted meanwhile/.test(e.message)) return t('d.rep.err.raced');
    return t('d.err.generic', { message: e.message });
  }
  if (e instanceof ApiError && e.status === 422) {
    if (/correction|更正/.test(e.message)) return t('d.rep.err.reason');
    if (/comment/.test(e.message) && /required/.test(e.message)) return t('d.rep.err.comment');
    if (/phone/.test(e.message)) return t('d.rep.err.phone');
    return t('d.rep.err.invalid', { message: e.message });
  }
  return errorMessage(e);
}
