// A plausible stand-in for the Rust scoring (crates/core), for the mock only:
// same report shape, simpler rules. Not the official numbers.
import type {
  Answer, Centre, EvidenceProblem, FixCheck, GpsFix, Grade, InspectionSnapshot, Item, ItemScore, OnSite, Report,
  SectionScore, Template, VetoHit,
} from './types.gen';

const R = 6371000;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceBearing(fromLat: number, fromLon: number, toLat: number, toLon: number) {
  const dLat = rad(toLat - fromLat);
  const dLon = rad(toLon - fromLon);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(fromLat)) * Math.cos(rad(toLat)) * Math.sin(dLon / 2) ** 2;
  const distance = 2 * R * Math.asin(Math.sqrt(a));
  const y = Math.sin(dLon) * Math.cos(rad(toLat));
  const x = Math.cos(rad(fromLat)) * Math.sin(rad(toLat)) - Math.sin(rad(fromLat)) * Math.cos(rad(toLat)) * Math.cos(dLon);
  const bearing = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  return { distance, bearing };
}

export function checkFix(fix: GpsFix, centre: Centre, requiredAccuracy: number): FixCheck {
  const { distance, bearing } = distanceBearing(fix.lat, fix.lon, centre.lat, centre.lon);
  return { distance_m: distance, bearing_deg: bearing, accuracy_m: fix.accuracy_m, inside_fence: distance <= centre.geofence_m,
    accurate_enough: fix.accuracy_m <= requiredAccuracy, source: fix.source, mock: fix.mock ?? false, at: fix.at };
}

function onSite(snap: InspectionSnapshot, centre: Centre, tpl: Template): OnSite {
  const checks = snap.gps_fixes.map((f) => checkFix(f, centre, tpl.location.required_accuracy_m));
  const real = checks.filter((c) => c.source !== 'manual' && !c.mock);
  const best = real.find((c) => c.inside_fence && c.accurate_enough) ?? real.at(-1) ?? checks.at(-1) ?? null;
  const mock_location = checks.some((c) => c.mock);
  let status: OnSite['status'];
  if (checks.length === 0) status = 'no_fix';
  else if (real.length === 0) status = 'only_manual';
  else if (!best!.accurate_enough) status = 'inaccurate';
  else if (!best!.inside_fence) status = 'outside_fence';
  else status = 'verified';
  return { status, verified: status === 'verified', best, mock_location };
}

function numberOf(snap: InspectionSnapshot, id: string): number | null {
  const a = snap.answers[id]?.answer;
  return a?.kind === 'number' ? a.value : null;
}

function scoreItem(item: Item, section: string, answer: Answer | undefined, snap: InspectionSnapshot): ItemScore {
  const base: ItemScore = { id: item.id, section, status: 'unanswered', points: 0, max_points: item.points, value: null, problem: null };
  const spec = item.answer;
  if (spec.type === 'computed') {
    const num = numberOf(snap, spec.numerator);
    const den = spec.denominator ? numberOf(snap, spec.denominator) : 1;
    const value = num != null && den ? Math.round((num / den) * spec.scale * 100) / 100 : null;
    return { ...base, status: value == null ? 'skipped' : 'recorded', value, max_points: 0 };
  }
  if (spec.type === 'text') {
    return { ...base, status: snap.item_notes[item.id] ? 'recorded' : 'skipped', max_points: 0 };
  }
  if (spec.type === 'respondents') {
    const people = snap.respondents?.[item.id] ?? [];
    if (people.length === 0) return base;
    const rate = people.filter((p) => p.satisfied).length / people.length;
    const fraction = people.length < spec.min_asked ? 0
      : Math.max(0, ...(item.thresholds ?? []).filter((t) => (t.gte == null || rate >= t.gte) && (t.lte == null || rate <= t.lte)).map((t) => t.fraction));
    const points = Math.round(item.points * fraction * 10) / 10;
    return { ...base, status: fraction >= 1 ? 'passed' : fraction <= 0 ? 'failed' : 'partial', points, value: rate };
  }
  if (!answer) return base;
  if (answer.kind === 'not_applicable') return { ...base, status: 'not_applicable', max_points: 0 };
  let fraction = 0;
  let value: number | null = null;
  if (answer.kind === 'yes_no') fraction = answer.value ? 1 : 0;
  else if (answer.kind === 'scale' && spec.type === 'scale') fraction = (answer.value - spec.min) / (spec.max - spec.min);
  else if (answer.kind === 'number') { value = answer.value; return { ...base, status: 'recorded', value }; }
  else if (answer.kind === 'choice' && spec.type === 'choice_one') {
    const o = spec.options.find((x) => x.id === answer.value);
    fraction = o?.fraction ?? (o?.points != null && item.points ? o.points / item.points : 0);
  } else if (answer.kind === 'choices' && spec.type === 'choice_many') {
    const pts = spec.options.filter((o) => answer.value.includes(o.id)).reduce((s, o) => s + (o.points ?? 0), 0);
    fraction = item.points ? Math.min(1, pts / item.points) : 0;
  } else if (answer.kind === 'sample') {
    const { asked, satisfied } = answer.value;
    value = asked ? Math.round((satisfied / asked) * 1000) / 10 : null;
    fraction = asked ? satisfied / asked : 0;
  } else return { ...base, status: 'invalid', problem: 'answer does not fit the item' };
  const points = Math.round(item.points * fraction * 10) / 10;
  const status = fraction >= 1 ? 'passed' : fraction <= 0 ? 'failed' : 'partial';
  return { ...base, status, points, value };
}

function grade(total: number, tpl: Template, vetoed: boolean): Grade {
  if (vetoed) return 'fail';
  const g = tpl.grades;
  return total >= g.excellent ? 'excellent' : total >= g.good ? 'good' : total >= g.pass ? 'pass' : 'fail';
}

function figures(tpl: Template, snap: InspectionSnapshot): Report['figures'] {
  const out: Report['figures'] = {};
  for (const item of tpl.sections.flatMap((s) => s.items)) {
    const n = item.stat ? numberOf(snap, item.id) : null;
    if (item.stat && n != null) out[item.stat] = n;
  }
  return out;
}

export function computeReport(tpl: Template, centre: Centre, snap: InspectionSnapshot): Report {
  const items: ItemScore[] = [];
  const sections: SectionScore[] = [];
  const vetoes: VetoHit[] = [];
  const evidence_problems: EvidenceProblem[] = [];
  const unanswered: string[] = [];
  for (const s of tpl.sections) {
    let earned = 0;
    let possible = 0;
    for (const item of s.items) {
      const sc = scoreItem(item, s.id, snap.answers[item.id]?.answer, snap);
      items.push(sc);
      earned += sc.points;
      if (sc.status !== 'unanswered') possible += sc.max_points;
      if (sc.status === 'unanswered') unanswered.push(item.id);
      if (item.critical && sc.status === 'failed') vetoes.push({ item: item.id, rule: 'critical item failed' });
      const photos = Object.values(snap.photos).filter((p) => p?.item_id === item.id);
      if (item.evidence.photo === 'required' && sc.status !== 'not_applicable' && photos.length === 0) {
        evidence_problems.push({ item: item.id, kind: 'photo_missing', photo: null });
      }
      const a = snap.answers[item.id]?.answer;
      if (item.answer.type === 'sample' && a?.kind === 'sample' && a.value.asked < item.answer.min_asked) {
        evidence_problems.push({ item: item.id, kind: 'sample_too_small', photo: null });
      }
    }
    const bonus = s.kind === 'bonus';
    const counted = !bonus && possible > 0;
    const score = bonus ? Math.min(earned, s.cap ?? 0) : counted ? (earned / possible) * 100 : 0;
    sections.push({ id: s.id, weight: s.weight, earned, possible, counted, score, bonus });
  }
  const weight = sections.filter((s) => s.counted).reduce((n, s) => n + s.weight, 0);
  const base_total = weight ? Math.round((sections.reduce((n, s) => n + (s.counted ? s.score * s.weight : 0), 0) / weight) * 10) / 10 : 0;
  const bonus = sections.filter((s) => s.bonus).reduce((n, s) => n + s.score, 0);
  const total = Math.round((base_total + bonus) * 10) / 10;
  const conflicts = snap.conflicts.map((c) => c.item);
  return {
    template: snap.template, centre_code: centre.code, total, base_total, bonus, grade: grade(total, tpl, vetoes.length > 0),
    complete: unanswered.length === 0 && conflicts.length === 0, sections, items, vetoes, evidence_problems, unanswered,
    conflicts, on_site: onSite(snap, centre, tpl), figures: figures(tpl, snap),
  };
}
