// Evaluation templates version 2 as the screens show them: the citation in the
// user's language, the total as 基本分 + 加分 = 总分 with each bonus section
// labelled by its cap (and an absent practice shown as 未加分, not a failure),
// reports stored before the split shown as they were, quarters written
// 2026年第四季度, and the centre's zone (东中部/西部) and map datum.
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import { MockApi } from '../dashboard/api-mock';
import CentrePage from '../dashboard/pages/CentrePage.svelte';
import Report from '../dashboard/pages/Report.svelte';
import { apiContext } from '../dashboard/session.svelte';
import { hasBonusBreakdown } from '../lib/bonus';
import { setLang } from '../lib/i18n';
import { TEMPLATE } from '../lib/mock-data';
import { quarterLabel } from '../lib/quarter';
import ScorePanel from '../lib/ScorePanel.svelte';
import type { Item, ItemScore, Report as ScoreReport, SectionScore, Template } from '../lib/types.gen';
import { centreZone, WESTERN_PROVINCES, zoneOfProvince, zoneText } from '../lib/zone';
import { item, loadedCtl } from './helpers';

beforeEach(() => setLang('zh-CN'));
afterEach(() => cleanup());

const squash = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

// The mock template with its bonus section capped at 5 and three bonus items
// of 3 points: two taken up (6 points, capped to 5), one not (未加分).
const EXTRA: Item = {
  id: 'bonus.returnees', title: { zh: '返乡人员经营', en: 'Run by returning migrants' },
  source: { zh: '商服贸函〔2018〕157号第二部分（三）', en: '商服贸函〔2018〕157号 二(三)' },
  answer: { type: 'yes_no' }, points: 3, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false },
};
const BONUS_TEMPLATE: Template = {
  ...TEMPLATE,
  sections: TEMPLATE.sections.map((s) => (s.kind === 'bonus'
    ? { ...s, cap: 5, items: [...s.items.map((i) => ({ ...i, points: 3 })), EXTRA] }
    : s)),
};
const scoredSections = TEMPLATE.sections.filter((s) => s.kind !== 'bonus');

function bonusReport(): ScoreReport {
  const sections: SectionScore[] = [
    ...scoredSections.map((s) => ({ id: s.id, weight: s.weight, earned: 9, possible: 10, counted: true, score: 29.89, bonus: false })),
    { id: 'bonus', weight: 0, earned: 6, possible: 9, counted: false, score: 5, bonus: true },
  ];
  const it = (id: string, section: string, status: ItemScore['status'], points: number, max_points: number): ItemScore =>
    ({ id, section, status, points, max_points, value: null, problem: null });
  return {
    template: { id: TEMPLATE.id, version: TEMPLATE.version }, centre_code: '130102-001',
    total: 94.67, base_total: 89.67, bonus: 5, grade: 'excellent', complete: true, sections,
    items: [
      it('facilities.fire', 'facilities', 'passed', 10, 10),
      it('bonus.online', 'bonus', 'passed', 3, 3),
      it('bonus.chain', 'bonus', 'passed', 3, 3),
      it('bonus.returnees', 'bonus', 'failed', 0, 3),
    ],
    vetoes: [], evidence_problems: [], unanswered: [], conflicts: [],
    on_site: { status: 'verified', verified: true, best: null, mock_location: false }, figures: {},
  };
}

/// The same inspection as stored before bonus sections existed: no bonus
/// flag on its sections, base_total and bonus 0, the total all base.
function oldReport(): ScoreReport {
  const r = bonusReport();
  return {
    ...r, total: 89.67, base_total: 0, bonus: 0,
    sections: r.sections.filter((s) => !s.bonus).map(({ bonus: _, ...s }) => s as SectionScore),
    items: r.items.filter((i) => i.section !== 'bonus'),
  };
}

describe('the citation', () => {
  it('is shown in the user’s language on the item card', async () => {
    const { ctl } = await loadedCtl();
    render(ItemCard, { props: { ctl, item: item('services.prices') } });
    expect(screen.getByTestId('source-services.prices').textContent).toBe('依据：《价格法》第十三条');
    setLang('en');
    await waitFor(() => expect(screen.getByTestId('source-services.prices').textContent).toBe('Source: Price Law, article 13'));
  });

  it('never shows the other language when the user’s is there', async () => {
    const { ctl } = await loadedCtl();
    const source = { zh: '《河北省商务厅关于认定2023年社区便民消费服务中心示范项目的通知》（冀商办服贸函〔2023〕96号）认定条件（四）',
      en: 'Hebei commerce department, 2023 recognition notice (冀商办服贸函〔2023〕96号), condition 4' };
    render(ItemCard, { props: { ctl, item: { ...item('facilities.sign'), source } } });
    const el = screen.getByTestId('source-facilities.sign');
    expect(el.textContent).toBe(`依据：${source.zh}`);
    expect(el.textContent).not.toContain('Hebei');
  });
});

describe('the score panel', () => {
  it('shows 基本分 + 加分 = 总分 and the bonus section by its cap', () => {
    render(ScorePanel, { props: { report: bonusReport(), template: BONUS_TEMPLATE } });
    expect(screen.getByTestId('score-total').textContent).toBe('94.7');
    expect(screen.getByTestId('score-breakdown').textContent!.trim()).toBe('基本分 89.7 + 加分 5 = 总分 94.7');
    const row = screen.getByTestId('score-bonus-bonus');
    expect(squash(row)).toBe('加分项（上限 5 分） +5');
    expect(row.textContent).not.toContain('不计分');
    expect(screen.getByTestId('score-bonus-note').textContent).toBe('加分项为鼓励做法，未做到不扣分');
    expect(screen.getByTestId('score-grade').textContent).toBe('优秀');
  });

  it('in English', () => {
    setLang('en');
    render(ScorePanel, { props: { report: bonusReport(), template: BONUS_TEMPLATE } });
    expect(screen.getByTestId('score-breakdown').textContent!.trim()).toBe('Base 89.7 + bonus 5 = total 94.7');
    expect(squash(screen.getByTestId('score-bonus-bonus'))).toBe('Bonus (at most 5 points) +5');
  });

  it('shows a report stored before bonus sections as before: the total alone, weighted sections', () => {
    const r = oldReport();
    expect(hasBonusBreakdown(r)).toBe(false);
    render(ScorePanel, { props: { report: r, template: TEMPLATE } });
    expect(screen.getByTestId('score-total').textContent).toBe('89.7');
    expect(screen.queryByTestId('score-breakdown')).toBeNull();
    expect(screen.queryByTestId('score-bonus-bonus')).toBeNull();
    expect(screen.queryByTestId('score-bonus-note')).toBeNull();
    expect(screen.getByText('基础设施').parentElement!.textContent).toContain('(30%)');
  });

  it('a template without bonus sections shows no breakdown either', () => {
    const r = { ...oldReport(), base_total: 89.67, bonus: 0, sections: oldReport().sections.map((s) => ({ ...s, bonus: false })) };
    expect(hasBonusBreakdown(r)).toBe(false);
  });
});

describe('the dashboard report', () => {
  const DOC = 'automerge:3Fh9TzWq8PbN';

  async function open(report: ScoreReport, template: Template) {
    const api = new MockApi();
    const real = await api.report(DOC);
    vi.spyOn(api, 'report').mockResolvedValue({ ...real, score: { ...real.score!, total: report.total, report } });
    vi.spyOn(api, 'template').mockResolvedValue(template);
    render(Report, { props: { doc: DOC }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('report-total')).toBeTruthy());
  }

  it('shows the breakdown, the bonus section and an absent practice as 未加分', async () => {
    await open(bonusReport(), BONUS_TEMPLATE);
    expect(screen.getByTestId('report-total').textContent).toBe('94.7');
    expect(screen.getByTestId('report-breakdown').textContent).toBe('基本分 89.7 + 加分 5.0 = 总分 94.7');
    const row = screen.getByTestId('section-bonus-bonus');
    expect(row.textContent).toContain('加分项（上限 5 分）');
    expect(row.textContent).toContain('+5.0');
    expect(row.textContent).not.toContain('不计分');
    expect(screen.getByTestId('items-bonus-bonus').textContent).toContain('加分项（上限 5 分）');

    const absent = screen.getByTestId('item-bonus.returnees');
    expect(within(absent).getByTestId('status-bonus.returnees').textContent).toBe('未加分');
    expect(within(absent).getByTestId('points-bonus.returnees').textContent).toBe('+0 / 3 分');
    expect(absent.className).toContain('st-no_bonus');
    expect(absent.className).not.toContain('st-failed');
    expect(absent.textContent).not.toContain('未达标');
    expect(within(screen.getByTestId('item-bonus.online')).getByTestId('status-bonus.online').textContent).toBe('已加分');
    expect(within(screen.getByTestId('item-bonus.online')).getByTestId('points-bonus.online').textContent).toBe('+3 / 3 分');
    // A scored item keeps its words.
    expect(within(screen.getByTestId('item-facilities.fire')).getByTestId('status-facilities.fire').textContent).toBe('达标');
    // The quarter as officials write it.
    expect(screen.getByText(/2026年第\S季度/)).toBeTruthy();
  });

  it('shows a report stored before bonus sections unchanged', async () => {
    await open(oldReport(), TEMPLATE);
    expect(screen.getByTestId('report-total').textContent).toBe('89.7');
    expect(screen.queryByTestId('report-breakdown')).toBeNull();
    expect(screen.queryByTestId('section-bonus-bonus')).toBeNull();
    const first = document.querySelector('table.data tbody tr')!;
    expect([...first.querySelectorAll('td')].map(squash)).toEqual(['基础设施', '30%', '9 / 10 · 29.9']);
  });
});

describe('quarters', () => {
  it('are written out in Chinese, shortly in English, and left alone when not a quarter', () => {
    expect(quarterLabel('2026Q4')).toBe('2026年第四季度');
    expect(quarterLabel('2025Q1')).toBe('2025年第一季度');
    expect(quarterLabel('2026-Q4')).toBe('2026-Q4');
    setLang('en');
    expect(quarterLabel('2026Q4')).toBe('2026 Q4');
  });
});

describe('zone', () => {
  it('the twelve western provinces are 西部, by the start of their names; the rest 东中部', () => {
    expect(WESTERN_PROVINCES).toHaveLength(12);
    for (const p of ['重庆市', '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区',
      '新疆维吾尔自治区', '内蒙古自治区', '广西壮族自治区']) expect(zoneOfProvince(p), p).toBe('west');
    for (const p of ['河北省', '北京市', '湖南省', '湖北省', '山西省', '黑龙江省', '广东省', '海南省', ' 山东省 '])
      expect(zoneOfProvince(p), p).toBe('east_central');
    // 山西 is not 陕西, 广东 is not 广西.
    expect(zoneOfProvince('山西省')).toBe('east_central');
  });

  it('the county’s setting wins over the province', () => {
    const region = { province: '湖南省', city: '湘西土家族苗族自治州', county: '吉首市', township: '' };
    expect(centreZone({ region })).toEqual({ zone: 'east_central', byProvince: true });
    expect(centreZone({ region, zone: 'west' })).toEqual({ zone: 'west', byProvince: false });
    expect(zoneText({ region })).toBe('东中部（按省份）');
    expect(zoneText({ region, zone: 'west' })).toBe('西部');
    setLang('en');
    expect(zoneText({ region })).toBe('Eastern and central (by province)');
  });
});

describe('the centre page', () => {
  it('shows the zone and the datum the position was entered in, converted to WGS-84', async () => {
    render(CentrePage, { props: { code: '130104-003' }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('centre-datum')).toBeTruthy());
    expect(screen.getByTestId('centre-datum').textContent).toBe('GCJ-02（高德、腾讯） · 已换算为WGS-84');
    expect(screen.getByTestId('centre-zone').textContent).toBe('东中部（按省份）');
    expect(screen.getByTestId('centre-position').textContent).toContain('(WGS-84)');
    expect(screen.getByText('营业面积')).toBeTruthy();
    expect(screen.getByText('社区总建筑面积')).toBeTruthy();
  });

  it('a position entered in WGS-84 needs no conversion; an explicit zone has no （按省份）', async () => {
    const api = new MockApi();
    const real = await api.centreOverview('130102-001');
    vi.spyOn(api, 'centreOverview').mockResolvedValue({ ...real, centre: { ...real.centre, zone: 'west' } });
    render(CentrePage, { props: { code: '130102-001' }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('centre-datum')).toBeTruthy());
    expect(screen.getByTestId('centre-datum').textContent).toBe('WGS-84/CGCS2000');
    expect(screen.getByTestId('centre-zone').textContent).toBe('西部');
  });

  it('in English', async () => {
    setLang('en');
    const api = new MockApi();
    const real = await api.centreOverview('130104-003');
    vi.spyOn(api, 'centreOverview').mockResolvedValue({ ...real, centre: { ...real.centre, datum: 'bd09' } });
    render(CentrePage, { props: { code: '130104-003' }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('centre-datum')).toBeTruthy());
    expect(screen.getByTestId('centre-datum').textContent).toBe('BD-09 (Baidu) · stored converted to WGS-84');
    expect(screen.getByTestId('centre-zone').textContent).toBe('Eastern and central (by province)');
  });
});
