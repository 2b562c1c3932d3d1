// 标杆样板 as the page shows it: states and steps in officials' words, the
// publicity's dates (China dates, as the server counts them), the case
// write-up's checks (the server's limits), who decides, and the server's
// refusals in words.
import { gradeLabel } from '../../../lib/format';
import { quarterLabel } from '../../../lib/quarter';
import { t, type Key } from '../../../lib/i18n';
import type { CaseWriteUp, ExemplarEvent, ExemplarState, ExemplarView, Scope, User } from '../../../lib/server-types.gen';
import type { Grade } from '../../../lib/types.gen';
import { ApiError } from '../../api';
import { errorMessage } from '../../session.svelte';

export const STATES: ExemplarState[] = ['nominated', 'publicized', 'recognised', 'rejected'];
export const stateLabel = (s: ExemplarState) => t(`d.ex.st.${s}` as Key);

const KINDS = ['nominated', 'publicized', 'objection', 'recognised', 'rejected'];
export const eventLabel = (kind: string) => (KINDS.includes(kind) ? t(`d.ex.ev.${kind}` as Key) : kind);
/// A step's 说明: the publicity's end date, an objection's text, the reason for 不予认定.
export const eventDetail = (e: ExemplarEvent) => (e.kind === 'publicized' && e.detail ? t('d.ex.ev.until', { date: e.detail }) : e.detail || '—');

/// The shortest publicity (公示期) and the one proposed, days from today.
export const MIN_PUBLICITY_DAYS = 5;
export const DEFAULT_PUBLICITY_DAYS = 7;
const DAY = 86_400_000;

/// YYYY-MM-DD in China (UTC+8): the server's dates.
export const chinaDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
export const today = () => chinaDate(Date.now());
/// The date `n` days after a YYYY-MM-DD date.
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY).toISOString().slice(0, 10);
}
export const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && addDays(s, 0) === s;

/// A province's supervisors and administrators decide (scope a province, no city): 公示, 异议, 认定, 不予认定.
export const provinceLevel = (u: User | null | undefined) =>
  !!u && (u.role === 'supervisor' || u.role === 'administrator') && !!u.scope.province && !u.scope.city;

/// 认定 is possible once the publicity has ended: the day after `comment_until`.
export const publicityEnded = (e: Pick<ExemplarView, 'comment_until'>, day = today()) => !!e.comment_until && day > e.comment_until;

/// Where the centre is: 石家庄市 长安区 (the province when nothing finer).
export const regionLabel = (s: Scope) => [s.city, s.county].filter(Boolean).join(' ') || s.province;

/// 优秀 for the basis's grade (the server writes it in English).
export const basisGrade = (g: string) => (['excellent', 'good', 'pass', 'fail'].includes(g) ? gradeLabel(g as Grade) : g);

/// Why a recognised centre needs 复核, in the current language (the server says it in Chinese).
export function reviewDueLabel(s: string): string {
  const overdue = /^有 (\d+) 个问题逾期未整改$/.exec(s);
  if (overdue) return t('d.ex.review_overdue', { n: overdue[1] });
  const failed = /^(\d{4}Q[1-4]) 季度检查结果为不合格或触发否决项$/.exec(s);
  if (failed) return t('d.ex.review_failed', { quarter: quarterLabel(failed[1]) });
  return s;
}

/// The server's limits (server/src/exemplars/service.rs), in characters.
export const LIMITS = {
  title: [2, 80], summary: [20, 4000], practice: [2, 200], practices: 10, objection: [2, 1000], reason: [2, 500],
} as const;

/// Characters as the server counts them (Unicode scalar values).
export const chars = (s: string) => [...s].length;
const within = (s: string, [min, max]: readonly [number, number]) => chars(s) >= min && chars(s) <= max;

/// Text as the server takes it: line breaks as \n, other control characters (tabs) as spaces, trimmed.
export function clean(s: string, multiline = true): string {
  const v = s.replace(/\r\n?/g, '\n');
  return (multiline ? v.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ') : v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')).trim();
}

/// Practices, one per line; blank lines left out.
export const practicesOf = (text: string) => clean(text).split('\n').map((l) => l.trim()).filter(Boolean);

export type CaseField = 'centre' | 'title' | 'summary' | 'practices';

/// The case write-up's checks, as the server makes them.
export function caseProblem(c: CaseWriteUp): { field: CaseField; message: string } | null {
  if (!within(c.title, LIMITS.title)) return { field: 'title', message: t('d.ex.err.title') };
  if (!within(c.summary, LIMITS.summary)) return { field: 'summary', message: t('d.ex.err.summary', { n: chars(c.summary) }) };
  if (c.practices.length > LIMITS.practices) return { field: 'practices', message: t('d.ex.err.practices_count', { n: c.practices.length }) };
  const bad = c.practices.findIndex((p) => !within(p, LIMITS.practice));
  if (bad >= 0) return { field: 'practices', message: t('d.ex.err.practice', { n: bad + 1 }) };
  return null;
}

/// An objection's or a reason's check: null when it will do.
export function textProblem(s: string, kind: 'objection' | 'reason'): string | null {
  return within(s, LIMITS[kind]) ? null : t(kind === 'objection' ? 'd.ex.err.objection' : 'd.ex.err.reason');
}

/// A refusal in words: the server's reason where it has one worth explaining.
/// `what`: a nomination (404: the centre) or a province's step (403: not the province).
export function refusal(e: unknown, what: 'nominate' | 'act'): string {
  if (e instanceof ApiError) {
    const m = e.message;
    if (e.status === 409) {
      if (/not 优秀/.test(m)) return t('d.ex.err.not_excellent');
      if (/no official result/.test(m)) return t('d.ex.err.no_result');
      const open = /has (\d+) problems? in rectification/.exec(m);
      if (open) return t('d.ex.err.rectifying', { n: open[1] });
      if (/already nominated/.test(m)) return t('d.ex.err.already');
      if (/has not ended/.test(m)) return t('d.ex.err.not_ended');
      if (/not possible while/.test(m)) return t('d.ex.err.state');
      return t('d.err.generic', { message: m });
    }
    if (e.status === 422) {
      const until = /^until: a date on or after (\S+)/.exec(m);
      if (until) return t('d.ex.err.until', { date: until[1] });
      if (/^title/.test(m)) return t('d.ex.err.title');
      if (/^summary/.test(m)) return t('d.ex.err.summary_any');
      if (/at most 10 practices/.test(m)) return t('d.ex.err.practices_any');
      if (/^practice/.test(m)) return t('d.ex.err.practice_any');
      if (/^objection/.test(m)) return t('d.ex.err.objection');
      if (/^reason/.test(m)) return t('d.ex.err.reason');
      return t('d.ex.err.invalid', { message: m });
    }
    if (e.status === 404 && what === 'nominate') return t('d.ex.err.centre_unknown');
    if (e.status === 403 && what === 'act') return t('d.ex.err.province');
  }
  return errorMessage(e);
}
