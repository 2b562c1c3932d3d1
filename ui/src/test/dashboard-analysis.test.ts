// 分析研判 against MockApi (api-mock-analysis.ts): the page's sections for
// 石家庄市's supervisor, items worst first per centre type, 失分率 with one
// decimal, each county's worst items, vetoes, ranking (ties share a rank) with
// its chart, 整改销号率, 报送及时率, the trend; the quarter picker; words for
// empty sections; the English switch; the link and page for supervisors and
// administrators only.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import type { Analysis, ItemLoss, User } from '../lib/server-types.gen';
import { MockApi, SUPERVISOR } from '../dashboard/api-mock';
import { OPERATOR } from '../dashboard/api-mock-operators';
import { COUNTY_SUPERVISOR } from '../dashboard/api-mock-reports';
import { setChartLoader } from '../dashboard/chart-loader';
import Dashboard from '../dashboard/Dashboard.svelte';
import AnalysisPage from '../dashboard/pages/analysis/Analysis.svelte';
import { navigate } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';

// Charts need a canvas: ECharts is replaced; the test checks the options it is given.
type Opt = {
  xAxis: { type: string; data?: string[] }; yAxis: { type: string; data?: string[]; inverse?: boolean };
  series: { type: string; data: number[] }[];
};
const charts = { options: [] as Opt[] };
setChartLoader(async () => ({
  init: () => ({ setOption: (o: unknown) => { charts.options.push(o as Opt); }, resize() {}, dispose() {} }),
}));

// 2026-11-20 in China: the quarter being inspected is 2026Q4 (the charts' default).
const NOW = Date.UTC(2026, 10, 20, 4);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  setLang('zh-CN');
  session.user = { ...SUPERVISOR };
  charts.options = [];
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function page(api: MockApi, query = '') {
  render(AnalysisPage, { props: { query: new URLSearchParams(query) }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('analysis-region')).toBeTruthy());
  return api;
}
const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
const rows = (id: string) => [...screen.getByTestId(id).querySelectorAll<HTMLElement>('tbody tr')];
const rates = (trs: HTMLElement[]) => trs.map((tr) => within(tr).getByTestId('analysis-rate').textContent!);
const asNumber = (pct: string) => Number(pct.replace('%', ''));

const loss = (over: Partial<ItemLoss>): ItemLoss => ({
  centre_type: 'community', item: 'basic.facility_per_100', section: 'basic', title_zh: '每百户居民拥有综合服务设施面积不低于30平方米',
  title_en: 'At least 30 m² of comprehensive service facility per 100 households', inspections: 12, max_points: 36, lost_points: 4.5,
  lost_rate: 0.125, vetoes: 0, ...over,
});
const EMPTY: Analysis = {
  quarter: '2026Q4', region: { province: '河北省', city: '石家庄市', county: '' }, items: [], by_county: [], vetoes: [], ranking: [],
  closure: [], timeliness: [], trend: [],
};

describe('the city supervisor’s analysis', () => {
  it('asks for the quarter being inspected and shows every section', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'analysis');
    await page(api);
    expect(spy).toHaveBeenCalledWith({ quarter: '2026Q4', province: '河北省' });
    expect((screen.getByTestId('analysis-quarter') as HTMLSelectElement).value).toBe('2026Q4');
    expect(screen.getByTestId('analysis-page').dataset.quarter).toBe('2026Q4');
    expect(text(screen.getByTestId('analysis-region'))).toBe('石家庄市 · 2026年第四季度');
    const headings = [...screen.getByTestId('analysis-page').querySelectorAll('h2')].map((h) => text(h));
    expect(headings).toEqual(['失分率较高的指标', '各区县薄弱环节', '一票否决情况', '区县排名', '整改销号率', '报送及时率（近四个季度）', '季度趋势']);
    for (const id of ['analysis-items', 'analysis-vetoes', 'analysis-ranking', 'analysis-closure', 'analysis-timeliness', 'analysis-trend']) {
      expect(screen.getByTestId(id).closest('[data-testid="analysis-page"]'), id).toBeTruthy();
    }
  });

  it('lists the items per centre type, worst first, with 失分率 to one decimal and a bar', async () => {
    await page(new MockApi());
    // Types in the policy's order, only those inspected this quarter (no block).
    expect(screen.getAllByRole('tab').map((b) => b.dataset.testid)).toEqual(
      ['analysis-type-community', 'analysis-type-township', 'analysis-type-village']);
    expect(screen.getByTestId('analysis-type-community').getAttribute('aria-selected')).toBe('true');
    const head = [...screen.getByTestId('analysis-items').querySelectorAll('th')].map((th) => text(th));
    expect(head).toEqual(['指标', '所属部分', '检查次数', '失分率', '否决次数']);

    const community = rows('analysis-items');
    expect(community).toHaveLength(10);
    const first = screen.getByTestId('analysis-item-basic.facility_per_100');
    expect(community[0]).toBe(first);
    expect([...first.querySelectorAll('td')].map((td) => text(td))).toEqual(
      ['每百户居民拥有综合服务设施面积不低于30平方米', '基础条件', '3', '50.0%', '0']);
    expect(first.querySelector<HTMLElement>('.fill')!.style.width).toBe('50%');
    expect(first.querySelector('[title]')!.getAttribute('title')).toBe('失分 4.5 / 应得 9');
    const pct = rates(community);
    for (const p of pct) expect(p).toMatch(/^\d{1,3}\.\d%$/);
    expect(pct.map(asNumber)).toEqual([...pct.map(asNumber)].sort((a, b) => b - a));
    expect(pct.slice(0, 3)).toEqual(['50.0%', '41.7%', '33.3%']);
    // The vetoed item says so.
    expect(text(screen.getByTestId('analysis-item-safety.fire_hazard').lastElementChild!)).toBe('1');

    await fireEvent.click(screen.getByTestId('analysis-type-township'));
    expect(screen.getByTestId('analysis-type-township').getAttribute('aria-selected')).toBe('true');
    const township = rows('analysis-items');
    expect(township.every((tr) => tr.dataset.type === 'township')).toBe(true);
    expect(screen.getByTestId('analysis-item-svc.market').textContent).toContain('集贸市场经营秩序');
    expect(screen.getByTestId('analysis-item-safety.fire_check').textContent).toContain('消防安全检查结果');
    expect(rates(township).map(asNumber)).toEqual([...rates(township).map(asNumber)].sort((a, b) => b - a));

    await fireEvent.click(screen.getByTestId('analysis-type-village'));
    const villagers = screen.getByTestId('analysis-item-sat.villagers');
    expect([...villagers.querySelectorAll('td')].map((td) => text(td)).slice(0, 2)).toEqual(['村民满意度抽样调查', '群众满意度']);
  });

  it('shows each county’s three worst items, the vetoes, the ranking with its chart, closure, timeliness and the trend', async () => {
    await page(new MockApi());
    const changan = screen.getByTestId('analysis-county-长安区');
    expect(changan.querySelector('h3')!.textContent).toBe('长安区');
    const worst = [...changan.querySelectorAll('li')];
    expect(worst).toHaveLength(3);
    expect(worst[0].textContent).toContain('冷藏冷冻设备正常运行');
    expect(worst.map((li) => within(li).getByTestId('analysis-rate').textContent)).toEqual(['75.0%', '75.0%', '50.0%']);
    expect(within(screen.getByTestId('analysis-county-桥西区')).getAllByTestId('analysis-rate')[0].textContent).toBe('66.7%');

    const veto = screen.getByTestId('analysis-veto-community-safety.fire_hazard');
    expect(veto.textContent).toContain('未发现重大火灾隐患');
    expect(within(veto).getByTestId('analysis-veto-count').textContent).toBe('1');
    expect(rows('analysis-vetoes')).toHaveLength(1);

    expect(rows('analysis-ranking').map((tr) => [...tr.querySelectorAll('td')].map((td) => text(td)))).toEqual([
      ['1', '长安区', '82.40', '3'], ['2', '桥西区', '73.80', '2']]);
    await waitFor(() => expect(charts.options.length).toBeGreaterThanOrEqual(2));
    const bar = charts.options.find((o) => o.series[0].type === 'bar')!;
    expect(bar.yAxis).toMatchObject({ type: 'category', inverse: true, data: ['长安区', '桥西区'] });
    expect(bar.series[0].data).toEqual([82.4, 73.8]);
    const chart = screen.getByTestId('analysis-ranking-chart');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toBe('各区县平均分条形图：1. 长安区 82.40，2. 桥西区 73.80');

    expect([...screen.getByTestId('analysis-closure-长安区').querySelectorAll('td')].map((td) => text(td)))
      .toEqual(['长安区', '5', '2', '1', '40.0%']);
    expect(within(screen.getByTestId('analysis-closure-桥西区')).getByTestId('analysis-closure-rate').textContent).toBe('—');

    const timeliness = screen.getByTestId('analysis-timeliness');
    expect(timeliness.textContent).toContain('统计截至2026年第三季度。');
    expect(within(timeliness).getByTestId('report-timeliness-石家庄市').textContent).toContain('（本级）');
    expect(within(timeliness).getByTestId('report-timeliness-长安区')).toBeTruthy();

    const line = charts.options.find((o) => o.series[0].type === 'line')!;
    expect(line.xAxis.data).toEqual(['2026年第一季度', '2026年第二季度', '2026年第三季度', '2026年第四季度']);
    expect(screen.getByTestId('analysis-trend-chart').getAttribute('aria-label')).toContain('2026年第四季度 79.0');
  });

  it('another quarter from the picker: its own data, and no vetoes in words', async () => {
    const api = new MockApi();
    await page(api);
    await fireEvent.change(screen.getByTestId('analysis-quarter'), { target: { value: '2026Q3' } });
    expect(location.hash).toBe('#/analysis?quarter=2026Q3&province=%E6%B2%B3%E5%8C%97%E7%9C%81');
    cleanup();
    await page(api, 'quarter=2026Q3');
    expect(text(screen.getByTestId('analysis-region'))).toBe('石家庄市 · 2026年第三季度');
    expect(screen.getByTestId('analysis-vetoes-none').textContent).toBe('本季度没有被一票否决的检查。');
    expect(rows('analysis-ranking')[0].textContent).toContain('桥西区');
    navigate('#/inspections');
  });

  it('a county’s supervisor sees their county only', async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    await page(new MockApi({ user: COUNTY_SUPERVISOR }));
    expect(text(screen.getByTestId('analysis-region'))).toBe('长安区 · 2026年第四季度');
    expect(screen.getByTestId('analysis-county-长安区')).toBeTruthy();
    expect(screen.queryByTestId('analysis-county-桥西区')).toBeNull();
    expect(rows('analysis-ranking')).toHaveLength(1);
    expect(screen.queryByTestId('analysis-closure-桥西区')).toBeNull();
    expect(screen.queryByTestId('analysis-vetoes-none')).toBeTruthy();
  });
});

describe('formatting and empty sections', () => {
  it('percent with one decimal, averages with two, equal averages share a rank, — for no rate', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'analysis').mockResolvedValue({
      ...EMPTY,
      items: [loss({ lost_rate: 1, lost_points: 36, vetoes: 3 }), loss({ item: 'svc.optional', section: 'services', title_zh: '选择性服务业态',
        title_en: 'Optional services present', lost_rate: 0.12345 }), loss({ item: 'x.custom', section: 'local', lost_rate: 0.0004 })],
      ranking: [{ rank: 1, county: '新华区', average: 88.456, inspections: 4 }, { rank: 1, county: '裕华区', average: 88.456, inspections: 2 },
        { rank: 3, county: '正定县', average: 70, inspections: 5 }],
      closure: [{ county: '新华区', issued: 3, closed: 3, overdue: 0, rate: 1 }, { county: '正定县', issued: 0, closed: 0, overdue: 0, rate: null }],
    });
    await page(api);
    expect(rates(rows('analysis-items'))).toEqual(['100.0%', '12.3%', '0.0%']);
    expect(screen.getByTestId('analysis-item-basic.facility_per_100').querySelector<HTMLElement>('.fill')!.style.width).toBe('100%');
    // A provincial variant's own section keeps its id.
    expect(text(screen.getByTestId('analysis-item-x.custom').children[1])).toBe('local');
    expect(rows('analysis-ranking').map((tr) => [...tr.querySelectorAll('td')].map((td) => text(td)))).toEqual([
      ['1', '新华区', '88.46', '4'], ['1', '裕华区', '88.46', '2'], ['3', '正定县', '70.00', '5']]);
    expect(rows('analysis-closure').map((tr) => within(tr).getByTestId('analysis-closure-rate').textContent)).toEqual(['100.0%', '—']);
  });

  it('says so in words when there is nothing to show', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'analysis').mockResolvedValue(EMPTY);
    await page(api);
    const said = (id: string) => screen.getByTestId(id).textContent;
    expect(said('analysis-items-none')).toBe('本季度暂无失分指标。');
    expect(said('analysis-counties-none')).toBe('本季度各区县暂无正式检查。');
    expect(said('analysis-vetoes-none')).toBe('本季度没有被一票否决的检查。');
    expect(said('analysis-ranking-none')).toBe('本季度暂无正式检查，无法排名。');
    expect(said('analysis-closure-none')).toBe('暂无已下发的整改问题。');
    expect(said('analysis-timeliness-none')).toBe('暂无应报的季度报表。');
    expect(said('analysis-trend-none')).toBe('暂无各季度得分。');
    expect(screen.queryAllByRole('tab')).toHaveLength(0);
    expect(screen.queryByTestId('analysis-ranking-chart')).toBeNull();
    expect(screen.queryByTestId('analysis-trend-chart')).toBeNull();
  });

  it('a county with inspections and no lost points', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'analysis').mockResolvedValue({ ...EMPTY, by_county: [{ county: '正定县', items: [] }] });
    await page(api);
    expect(text(screen.getByTestId('analysis-county-正定县'))).toBe('正定县 无失分指标');
  });

  it('a refusal is shown in words', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'analysis').mockRejectedValue(new (await import('../dashboard/api')).ApiError(403, 'forbidden', 'no'));
    render(AnalysisPage, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('您没有权限查看这项内容（超出您负责的地区）。'));
  });
});

describe('English', () => {
  it('switches headings, columns, titles, sections and types', async () => {
    await page(new MockApi());
    setLang('en');
    await tick();
    const headings = [...screen.getByTestId('analysis-page').querySelectorAll('h2')].map((h) => text(h));
    expect(headings).toEqual(['Items losing most points', 'Weak points by county', 'Vetoes (一票否决)', 'County ranking',
      'Rectification closure (整改销号率)', 'Reporting timeliness (报送及时率, last four quarters)', 'Trend by quarter']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Analysis');
    expect(text(screen.getByTestId('analysis-region'))).toBe('石家庄市 · 2026 Q4');
    expect(screen.getByTestId('analysis-type-community').textContent).toBe('Community service centre');
    expect([...screen.getByTestId('analysis-items').querySelectorAll('th')].map((th) => text(th)))
      .toEqual(['Item', 'Section', 'Inspections', 'Points lost', 'Vetoes']);
    expect([...screen.getByTestId('analysis-item-basic.facility_per_100').querySelectorAll('td')].map((td) => text(td)).slice(0, 2))
      .toEqual(['At least 30 m² of comprehensive service facility per 100 households', 'Basic conditions']);
    expect(screen.getByTestId('analysis-county-长安区').textContent).toContain('Refrigerators and freezers work');
    expect(screen.getByTestId('analysis-veto-community-safety.fire_hazard').textContent).toContain('No serious fire hazard found');
    expect([...screen.getByTestId('analysis-closure').querySelectorAll('th')].map((th) => text(th)))
      .toEqual(['County', 'Issued', 'Closed', 'Overdue', 'Closure rate']);
    expect(screen.getByTestId('analysis-timeliness').textContent).toContain('Up to 2026 Q3.');
    await waitFor(() => expect(screen.getByTestId('analysis-ranking-chart').getAttribute('aria-label'))
      .toBe('Bar chart of the average score by county: 1. 长安区 82.40，2. 桥西区 73.80'));
    setLang('zh-CN');
    await tick();
    expect(screen.getByTestId('analysis-type-community').textContent).toBe('社区便民服务中心');
  });

  it('empty sections in English', async () => {
    setLang('en');
    const api = new MockApi();
    vi.spyOn(api, 'analysis').mockResolvedValue(EMPTY);
    await page(api);
    expect(screen.getByTestId('analysis-items-none').textContent).toBe('No item lost points this quarter.');
    expect(screen.getByTestId('analysis-vetoes-none').textContent).toBe('No inspection was vetoed this quarter.');
  });
});

describe('who sees it', () => {
  it('supervisors and administrators have the link and the page; inspectors and operators neither', async () => {
    session.user = null;
    navigate('#/analysis');
    render(Dashboard, { props: { api: new MockApi() } });
    await waitFor(() => expect(screen.getByTestId('analysis-region')).toBeTruthy());
    const nav = screen.getByTestId('nav-analysis');
    expect(nav.textContent).toBe('分析研判');
    expect(nav.getAttribute('href')).toBe('#/analysis');
    expect(nav.getAttribute('aria-current')).toBe('page');
    cleanup();

    session.user = null;
    render(Dashboard, { props: { api: new MockApi({ user: OPERATOR }) } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-analysis')).toBeNull();
    expect(screen.queryByTestId('analysis-page')).toBeNull();
    cleanup();

    session.user = null;
    navigate('#/analysis');
    const inspector: User = { ...SUPERVISOR, username: 'insp-wang', role: 'inspector' };
    const api = new MockApi({ user: inspector });
    const asked = vi.spyOn(api, 'analysis');
    render(Dashboard, { props: { api } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-analysis')).toBeNull();
    expect(screen.queryByTestId('analysis-page')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('您没有权限查看这项内容（超出您负责的地区）。');
    expect(asked).not.toHaveBeenCalled();
    // The mock refuses as the server does.
    await expect(api.analysis({ quarter: '2026Q4', province: '河北省' })).rejects.toMatchObject({ status: 403 });
    navigate('#/inspections');
  });

  it('in English the link says Analysis', async () => {
    navigate('#/analysis');
    render(Dashboard, { props: { api: new MockApi() } });
    await waitFor(() => expect(screen.getByTestId('nav-analysis').textContent).toBe('分析研判'));
    setLang('en');
    await tick();
    expect(screen.getByTestId('nav-analysis').textContent).toBe('Analysis');
    navigate('#/inspections');
  });

  it('a national administrator names the province', async () => {
    const national: User = { ...SUPERVISOR, username: 'admin-all', role: 'administrator', scope: { province: '', city: '', county: '' } };
    session.user = { ...national };
    const api = new MockApi({ user: national });
    const spy = vi.spyOn(api, 'analysis');
    await page(api);
    expect(spy).toHaveBeenCalledWith({ quarter: '2026Q4', province: '河北省' });
    expect(text(screen.getByTestId('analysis-region'))).toBe('河北省 · 2026年第四季度');
    expect(screen.getByTestId('analysis-timeliness').textContent).not.toContain('（本级）');
  });
});
