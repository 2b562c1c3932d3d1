import { render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { MockApi } from '../dashboard/api-mock';
import Stats from '../dashboard/pages/Stats.svelte';
import Charts from '../dashboard/pages/Charts.svelte';
import Login from '../dashboard/pages/Login.svelte';
import { apiContext, session } from '../dashboard/session.svelte';
import { SUPERVISOR } from '../dashboard/api-mock';
import { fireEvent } from '@testing-library/svelte';
import { setChartLoader } from '../dashboard/chart-loader';

// Charts need a canvas: the ECharts module is replaced; the test checks what it is given.
const charts = { options: [] as unknown[] };
setChartLoader(async () => ({
  init: () => ({ setOption: (o: unknown) => { charts.options.push(o); }, resize() {}, dispose() {} }),
}));

const cellNums = (tr: Element) => [...tr.querySelectorAll('td.num')].map((td) => Number(td.textContent!.replace(/[,\s]/g, '')));

function checkTotals(table: HTMLElement) {
  const data = [...table.querySelectorAll('tr[data-row="data"]')];
  const total = table.querySelector('tr[data-row="total"]')!;
  expect(data.length).toBeGreaterThan(4);
  const sums = cellNums(data[0]).map((_, i) => data.reduce((s, tr) => s + cellNums(tr)[i], 0));
  cellNums(total).forEach((v, i) => expect(v, `column ${i}`).toBeCloseTo(sums[i], 1));
  // each type total is the sum of that type's rows; their sum is the total too
  const types = [...table.querySelectorAll('tr[data-row="type"]')];
  const typeSums = cellNums(types[0]).map((_, i) => types.reduce((s, tr) => s + cellNums(tr)[i], 0));
  cellNums(total).forEach((v, i) => expect(v).toBeCloseTo(typeSums[i], 1));
  // city subtotals add up as well
  const subs = [...table.querySelectorAll('tr[data-row="subtotal"]')];
  const subSums = cellNums(subs[0]).map((_, i) => subs.reduce((s, tr) => s + cellNums(tr)[i], 0));
  cellNums(total).forEach((v, i) => expect(v).toBeCloseTo(subSums[i], 1));
}

beforeEach(() => { setLang('zh-CN'); session.user = { ...SUPERVISOR }; charts.options = []; });

describe('quarterly statistics', () => {
  it('Attachment 4 and 5 totals equal the sums of their rows; pilot targets', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'quarterly');
    render(Stats, { props: { query: new URLSearchParams('quarter=2026Q4&province=河北省') }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('att4-table')).toBeTruthy());
    expect(spy).toHaveBeenCalledWith({ quarter: '2026Q4', province: '河北省' });
    checkTotals(screen.getByTestId('att4-table'));
    checkTotals(screen.getByTestId('att5-table'));
    const pilot = screen.getByTestId('pilot-table');
    expect([...pilot.querySelectorAll('th')].map((th) => th.textContent!.trim())).toEqual(
      ['城市', '常住人口（万人）', '先行先试目标', '已建成', '在建（正在建设）', '是否达标（本季度末）', '2018年底已建成', '是否达标（2018年底）']);
    const row = (city: string) => [...pilot.querySelectorAll<HTMLElement>('tbody tr')].find((tr) => tr.dataset.city === city)!;
    const cells = (city: string) => [...row(city).querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
    // 7 built and 1 under construction of a target of 10; 2 built by the end of 2018 (the registry's dates).
    expect(cells('石家庄市')).toEqual(['石家庄市', '1,123.5', '10', '7', '1', '✗ 未达标 差3个', '2', '✗ 未达标 差8个']);
    expect(row('石家庄市').querySelector('progress')!.getAttribute('max')).toBe('10');
    expect(cells('保定市')).toEqual(['保定市', '924.2', '5', '24', '12', '✓ 达标', '6', '✓ 达标']);
    expect(cells('邯郸市').slice(5)).toEqual(['✓ 达标', '3', '✗ 未达标 差2个']);
    expect(cells('秦皇岛市').slice(2)).toEqual(['无要求', '6', '4', '—', '2', '—']);
    expect(screen.getByText(/三\(四\)/).textContent).toContain('2018年底');
    expect(screen.getByTestId('download-xlsx').getAttribute('href')).toContain('quarterly.xlsx');
  });

  it('the pilot table in English', async () => {
    setLang('en');
    render(Stats, { props: { query: new URLSearchParams('quarter=2026Q4&province=河北省') }, context: apiContext(new MockApi()) });
    const pilot = await screen.findByTestId('pilot-table');
    expect([...pilot.querySelectorAll('th')].map((th) => th.textContent!.trim())).toEqual(['City', 'Resident population (常住人口, 10,000)',
      'Pilot target', 'Built (已建成)', 'Under construction (在建)', 'Met (end of quarter)', 'Built by end of 2018', 'Met (end of 2018)']);
    const sjz = pilot.querySelector<HTMLElement>('tr[data-city="石家庄市"]')!;
    expect(sjz.lastElementChild!.textContent!.replace(/\s+/g, ' ').trim()).toBe('✗ not met 8 short');
  });

  it('a county view, which the server gives no city targets, says why instead of an empty table', async () => {
    const api = new MockApi();
    const real = api.quarterly.bind(api);
    vi.spyOn(api, 'quarterly').mockImplementation(async (q) => ({ ...(await real(q)), pilot: [] }));
    render(Stats, { props: { query: new URLSearchParams('quarter=2026Q4') }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('pilot-none').textContent).toContain('按城市考核'));
    expect(screen.queryByTestId('pilot-table')).toBeNull();
  });
});

describe('charts', () => {
  it('draws three charts with role img, a text summary and the data', async () => {
    render(Charts, { props: { query: new URLSearchParams('quarter=2026Q4') }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(charts.options.length).toBeGreaterThanOrEqual(3));
    const g = screen.getByTestId('chart-grades');
    expect(g.getAttribute('role')).toBe('img');
    expect(g.getAttribute('aria-label')).toMatch(/优秀 \d/);
    expect(screen.getByTestId('chart-county').getAttribute('aria-label')).toContain('长安区');
    expect(screen.getByTestId('chart-quarter')).toBeTruthy();
    type Opt = { xAxis: { data: string[] }; series: { type: string; data: unknown[] }[] };
    const opts = charts.options as Opt[];
    const bar = opts.find((o) => o.xAxis.data.includes('优秀'))!;
    expect(bar.xAxis.data).toEqual(['优秀', '良好', '合格', '不合格']);
    expect(opts.find((o) => o.series[0].type === 'line')!.xAxis.data).toContain('2026年第四季度');
  });
});

describe('login', () => {
  it('wrong password, then too many attempts', async () => {
    session.user = null;
    const api = new MockApi({ signedIn: false });
    render(Login, { context: apiContext(api) });
    await fireEvent.click(screen.getByTestId('login-submit'));
    expect(screen.getByTestId('login-error').textContent).toBe('请输入用户名和密码。');
    await fireEvent.input(screen.getByTestId('login-username'), { target: { value: 'sup-zhao' } });
    await fireEvent.input(screen.getByTestId('login-password'), { target: { value: 'nope' } });
    for (let i = 0; i < 6; i++) await fireEvent.click(screen.getByTestId('login-submit'));
    await waitFor(() => expect(screen.getByTestId('login-error').textContent).toContain('等几分钟'));
    api.failures = 0;
    await fireEvent.input(screen.getByTestId('login-password'), { target: { value: 'demo1234' } });
    await fireEvent.click(screen.getByTestId('login-submit'));
    await waitFor(() => expect(session.user?.username).toBe('sup-zhao'));
  });
});
