// Pure helpers of the rectification pages (整改): labels in officials' terms,
// the ledger filters <-> the hash query, and the refusals worth explaining.
import { t, type Key } from '../../../lib/i18n';
import { lang } from '../../../lib/lang.svelte';
import type { Problem, ProblemState, Severity } from '../../../lib/server-types.gen';
import { ApiError, DUES, type Due, type ProblemQuery } from '../../api';
import { readPage, writePage } from '../../paging';
import { errorMessage, session } from '../../session.svelte';

export const SEVERITIES: Severity[] = ['veto', 'serious', 'general'];
export const STATES: ProblemState[] = ['draft', 'issued', 'closed'];
export const PAGE_SIZE = 50;

/// What a problem shows: its state, with 逾期 for an issued one past its deadline.
export type Status = ProblemState | 'overdue';
export const statusOf = (p: Problem): Status => (p.state === 'issued' && p.overdue ? 'overdue' : p.state);
export const statusLabel = (s: Status) => t(`d.pb.st.${s}` as Key);
export const severityLabel = (s: Severity) => t(`d.pb.sev.${s}` as Key);
/// The ledger's words for where a problem stands against its deadline.
export const dueLabel = (d: Due) => t(`d.pb.l.${{ open: 'open', overdue: 'overdue', on_time: 'closed_on_time', late: 'closed_late' }[d]}` as Key);
export const problemTitle = (p: Problem) => (lang.current === 'en' ? p.title_en || p.title_zh : p.title_zh || p.title_en);

const KINDS = ['found', 'edited', 'issued', 'feedback', 'escalated', 'follow_up', 'rectified', 'not_rectified', 'closed'];
export const eventLabel = (kind: string) => (KINDS.includes(kind) ? t(`d.pb.ev.${kind}` as Key) : kind);

/// Supervisors and administrators see problems; the server refuses inspectors.
export const oversees = () => session.user?.role === 'supervisor' || session.user?.role === 'administrator';

const KEYS = ['city', 'county', 'centre'] as const;

export function readProblemFilters(p: URLSearchParams): ProblemQuery {
  const q: ProblemQuery = {};
  for (const k of KEYS) { const v = p.get(k)?.trim(); if (v) q[k] = v; }
  const state = p.get('state');
  if (state && (STATES as string[]).includes(state)) q.state = state as ProblemState;
  const severity = p.get('severity');
  if (severity && (SEVERITIES as string[]).includes(severity)) q.severity = severity as Severity;
  const due = p.get('due');
  if (due && (DUES as string[]).includes(due)) q.due = due as Due;
  // Links from before `due`: `overdue=1` is `due=overdue`.
  else if (p.get('overdue') === '1' || p.get('overdue') === 'true') q.due = 'overdue';
  Object.assign(q, readPage(p));
  q.per_page = PAGE_SIZE;
  return q;
}

/// The hash query of a filter set (page 1 and per_page left out).
export function writeProblemFilters(q: ProblemQuery): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of KEYS) out[k] = q[k];
  out.state = q.state;
  out.severity = q.severity;
  out.due = q.due;
  return { ...out, ...writePage(q) };
}

/// Refusals of the rectification endpoints in words: 409 is a state that
/// moved on, 422 the server's reason; the rest as everywhere.
export function problemError(e: unknown): string {
  if (e instanceof ApiError && e.status === 409) return t('d.pb.err.state');
  if (e instanceof ApiError && e.status === 422) return t('d.pb.err.invalid', { message: e.message });
  return errorMessage(e);
}
