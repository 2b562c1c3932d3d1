import { isAppError } from './backend';
import { lang, pick, t, type Key } from './i18n';
import type { Answer, AnswerSpec, CentreType, Grade, Stage } from './types.gen';

export function gradeLabel(g: Grade): string {
  return t(`grade.${g}` as Key);
}

export function stageLabel(s: Stage | null | undefined): string {
  return t(s ? (`stage.${s}` as Key) : 'stage.null');
}

export function typeLabel(c: CentreType): string {
  return t(`type.${c}` as Key);
}

/// Metres under 1 km, otherwise km with one decimal ("1.2 公里").
export function formatDistance(m: number): string {
  if (m < 1000) return t('unit.m', { n: Math.round(m) });
  return t('unit.km', { n: (m / 1000).toFixed(1) });
}

const DIRS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/// 8-point compass word for a bearing in degrees (0 = north, clockwise).
export function compassWord(deg: number): string {
  const i = Math.round((((deg % 360) + 360) % 360) / 45) % 8;
  return t(`dir.${DIRS[i]}` as Key);
}

/// Times are Unix milliseconds; shown in local time, short.
export function formatTime(ms: number | null | undefined): string {
  if (ms == null) return '';
  const d = new Date(ms);
  const locale = lang.current === 'en' ? 'en-GB' : 'zh-CN';
  return d.toLocaleString(locale, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatScore(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/// An answer as a short human text, for conflicts and summaries.
export function answerText(a: Answer, spec: AnswerSpec | undefined): string {
  switch (a.kind) {
    case 'not_applicable': return t('check.na');
    case 'yes_no': return t(a.value ? 'check.yes' : 'check.no');
    case 'scale': {
      if (spec?.type === 'scale' && spec.labels?.length) {
        const l = spec.labels[a.value - spec.min];
        if (l) return `${a.value} · ${pick(l)}`;
      }
      return String(a.value);
    }
    case 'number': return spec?.type === 'number' && spec.unit ? `${a.value} ${spec.unit}` : String(a.value);
    case 'choice': return optionLabel(spec, a.value);
    case 'choices': return a.value.map((v) => optionLabel(spec, v)).join('、') || '—';
    case 'sample': return `${a.value.satisfied}/${a.value.asked}`;
  }
}

function optionLabel(spec: AnswerSpec | undefined, id: string): string {
  if (spec && (spec.type === 'choice_one' || spec.type === 'choice_many')) {
    const o = spec.options.find((x) => x.id === id);
    if (o) return pick(o.label);
  }
  return id;
}

/// A backend error as a sentence for the person holding the phone.
export function errorText(e: unknown): string {
  if (isAppError(e)) {
    if (e.code === 'offline') return t('err.offline');
    if (e.code === 'invalid_answer') return `${t('err.invalid_answer')} ${e.message}`;
    if (e.code === 'photo') return t('err.photo', { message: e.message });
    return t('app.error', { message: e.message });
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) });
}
