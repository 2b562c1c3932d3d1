// Centre operators (运营主体): their own page (figures of the period due,
// warnings confirmed before sending, a ledger photo, rectification feedback)
// and the supervisor's view of who reported, 代填, and new operator accounts.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { ApiError } from '../dashboard/api';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import { OPERATOR } from '../dashboard/api-mock-operators';
import { COUNTY_SUPERVISOR } from '../dashboard/api-mock-reports';
import Dashboard from '../dashboard/Dashboard.svelte';
import { periodLabel, reportablePeriods } from '../dashboard/pages/operator/figures';
import Figures from '../dashboard/pages/operator/Figures.svelte';
import OperatorHome from '../dashboard/pages/operator/OperatorHome.svelte';
import { navigate, router } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';

// 2026-11-20 in China: the period due is 2026Q3 (the last complete quarter).
const NOW = Date.UTC(2026, 10, 20, 4);
// Seeded (api-mock-operators.ts): op-changan runs 育才 (2026Q1 86.4, 2026Q2 91.2 万元; 2026Q3 open)
// and 西兆通镇 (2026Q2 210.5, 2026Q3 428 万元 with a confirmed warning and a ledger photo);
// op-nandou runs 南豆村 (2026Q2); 友谊 (桥西区) was entered by the county for 2026Q3.
const YUCAI = '130102-001';
const TOWNSHIP = '130102-101';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  setLang('zh-CN');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function fill(form: HTMLElement, values: Record<string, string>) {
  for (const [id, v] of Object.entries(values)) await fireEvent.input(within(form).getByTestId(id), { target: { value: v } });
}

async function operatorPage(api = new MockApi({ user: OPERATOR })) {
  render(OperatorHome, { context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId(`op-centre-${YUCAI}`)).toBeTruthy());
  return api;
}

describe('periods', () => {
  it('are written as officials write them, in both languages', () => {
    expect(periodLabel('2026Q3')).toBe('2026年第三季度');
    expect(reportablePeriods('2026Q3')).toEqual(['2026Q3', '2026Q2', '2026Q1', '2025Q4', '2025Q3', '2025Q2', '2025Q1', '2024Q4']);
    setLang('en');
    expect(periodLabel('2026Q3')).toBe('2026 Q3');
  });
});

describe('operator page', () => {
  it('shows each centre with the period due and its status, and only the operator page in the dashboard', async () => {
    session.user = null;
    navigate('#/inspections');
    render(Dashboard, { props: { api: new MockApi({ user: OPERATOR }) } });
    await waitFor(() => expect(screen.getByTestId(`op-centre-${YUCAI}`)).toBeTruthy());
    expect(screen.queryByTestId('nav-inspections')).toBeNull();
    expect(screen.queryByTestId('nav-figures')).toBeNull();
    expect(screen.getByText('长安区惠民商贸有限公司')).toBeTruthy();
    expect(screen.getByTestId('logout')).toBeTruthy();
    expect(screen.getByTestId('lang-switch')).toBeTruthy();

    const yucai = screen.getByTestId(`op-centre-${YUCAI}`);
    expect(within(yucai).getByRole('heading', { level: 2 }).textContent).toBe('育才社区便民服务中心');
    expect(screen.getByTestId(`op-due-${YUCAI}`).textContent).toContain('应报统计期：2026年第三季度');
    expect(within(screen.getByTestId(`op-due-${YUCAI}`)).getByTestId('op-status').textContent).toBe('待填报');
    expect(within(screen.getByTestId(`op-due-${TOWNSHIP}`)).getByTestId('op-status').textContent).toBe('已填报（第1版）');
    const history = screen.getByTestId(`op-history-${TOWNSHIP}`);
    expect(history.querySelector('li')!.textContent).toContain('2026年第三季度');
    expect(within(history).getByTestId('op-history-warning').textContent).toBe('营业额（万元）较2026年第二季度（210.5）变化超过50%（本期428），请核实');
    expect((within(yucai).getByTestId('figures-period') as HTMLSelectElement).value).toBe('2026Q3');

    await fireEvent.click(screen.getByTestId('lang-switch'));
    expect(within(screen.getByTestId(`op-due-${YUCAI}`)).getByTestId('op-status').textContent).toBe('To report');
    expect(screen.getByTestId(`op-due-${YUCAI}`).textContent).toContain('2026 Q3');
    setLang('zh-CN');
  });

  it('shows the warnings, sends nothing until confirmed, then sends confirmed: true', async () => {
    const api = new MockApi({ user: OPERATOR });
    const checked = vi.spyOn(api, 'checkFigures');
    const sent = vi.spyOn(api, 'reportFigures');
    await operatorPage(api);
    const form = screen.getByTestId(`figures-form-${YUCAI}`);
    // 2026Q2: 91.2 万元, 12 staff. Now 200 万元 and nobody employed.
    await fill(form, { 'figures-turnover': '200', 'figures-visits': '12500', 'figures-staff': '0', 'figures-merchants': '9' });
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    await waitFor(() => expect(within(form).getAllByTestId('figures-warning')).toHaveLength(3));
    expect(within(form).getAllByTestId('figures-warning').map((w) => w.textContent)).toEqual([
      '营业额（万元）较2026年第二季度（91.2）变化超过50%（本期200），请核实',
      '员工数量较2026年第二季度（12）变化超过50%（本期0），请核实',
      '有营业额但员工数量为0，请核实',
    ]);
    expect(checked).toHaveBeenCalledWith(expect.objectContaining({ centre_code: YUCAI, period: '2026Q3', confirmed: false }));
    expect(sent).not.toHaveBeenCalled();
    expect(within(form).queryByTestId('figures-submit')).toBeNull();

    const confirm = within(form).getByTestId('figures-confirm');
    expect(confirm.textContent).toBe('确认无误，提交');
    await fireEvent.click(confirm);
    await waitFor(() => expect(within(form).getByTestId('figures-done').textContent).toBe('已提交2026年第三季度数据（第1版）'));
    expect(sent).toHaveBeenCalledTimes(1);
    expect(sent).toHaveBeenCalledWith({ centre_code: YUCAI, period: '2026Q3', turnover_wan: 200, visits: 12500, staff: 0, merchants: 9,
      note: undefined, ledger_photo: undefined, confirmed: true });
    await waitFor(() => expect(within(screen.getByTestId(`op-due-${YUCAI}`)).getByTestId('op-status').textContent).toBe('已填报（第1版）'));
    expect(screen.getByTestId(`op-history-${YUCAI}`).querySelector('li')!.textContent).toContain('2026年第三季度');
  });

  it('sends plausible figures at once; a second report of a period is the next version (修订)', async () => {
    const api = new MockApi({ user: OPERATOR });
    const sent = vi.spyOn(api, 'reportFigures');
    await operatorPage(api);
    const form = screen.getByTestId(`figures-form-${YUCAI}`);
    // 2026Q2 was 91.2 万元 (version 1), against 2026Q1's 86.4.
    await fireEvent.change(within(form).getByTestId('figures-period'), { target: { value: '2026Q2' } });
    await fill(form, { 'figures-turnover': '92.35', 'figures-visits': '12460', 'figures-staff': '12', 'figures-merchants': '9',
      'figures-note': '更正：补录六月营业额' });
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    await waitFor(() => expect(within(form).getByTestId('figures-done').textContent).toBe('已提交2026年第二季度数据（第2版）'));
    expect(within(form).queryByTestId('figures-warnings')).toBeNull();
    expect(sent).toHaveBeenCalledWith(expect.objectContaining({ period: '2026Q2', turnover_wan: 92.35, note: '更正：补录六月营业额',
      confirmed: false }));
    await waitFor(() => expect(screen.getByTestId(`op-history-${YUCAI}`).querySelector('li')!.textContent).toContain('第2版'));
    expect(screen.getByTestId(`op-history-${YUCAI}`).querySelectorAll('li')).toHaveLength(3);
    expect(within(screen.getByTestId(`op-due-${YUCAI}`)).getByTestId('op-status').textContent).toBe('待填报');
  });

  it('refuses figures that are not whole numbers without asking the server, and shows the server\'s refusals', async () => {
    const api = new MockApi({ user: OPERATOR });
    const asked = vi.spyOn(api, 'checkFigures');
    await operatorPage(api);
    const form = screen.getByTestId(`figures-form-${YUCAI}`);
    await fill(form, { 'figures-turnover': '10', 'figures-visits': '3.5', 'figures-staff': '2', 'figures-merchants': '1' });
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    expect(within(form).getByTestId('figures-error').textContent).toContain('整数');
    expect(asked).not.toHaveBeenCalled();

    asked.mockRejectedValueOnce(new ApiError(422, 'invalid', 'figures are reported for a complete quarter up to 2026Q3'));
    await fill(form, { 'figures-visits': '3500' });
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    await waitFor(() => expect(within(form).getByTestId('figures-error').textContent).toContain('a complete quarter up to 2026Q3'));
  });

  it('sends the ledger photo when chosen, shows it, and names it in the report', async () => {
    const api = new MockApi({ user: OPERATOR });
    const upload = vi.spyOn(api, 'ledgerPhoto');
    const sent = vi.spyOn(api, 'reportFigures');
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:ledger');
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    try {
      await operatorPage(api);
      const form = screen.getByTestId(`figures-form-${YUCAI}`);
      const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], '台账.jpg', { type: 'image/jpeg' });
      await fireEvent.change(within(form).getByTestId('figures-photo'), { target: { files: [file] } });
      await waitFor(() => expect(within(form).getByTestId('figures-photo-preview').getAttribute('src')).toBe('blob:ledger'));
      expect(upload).toHaveBeenCalledWith(YUCAI, file);
      const sha = (await upload.mock.results[0].value).sha256;
      await fill(form, { 'figures-turnover': '95', 'figures-visits': '12800', 'figures-staff': '12', 'figures-merchants': '9' });
      await fireEvent.click(within(form).getByTestId('figures-submit'));
      await waitFor(() => expect(within(form).getByTestId('figures-done')).toBeTruthy());
      expect(sent).toHaveBeenCalledWith(expect.objectContaining({ ledger_photo: sha }));

      await fireEvent.click(within(form).getByTestId('figures-photo-remove'));
      expect(within(form).queryByTestId('figures-photo-preview')).toBeNull();
      expect(revoked).toHaveBeenCalledWith('blob:ledger');
      expect(created).toHaveBeenCalledWith(file);
    } finally {
      created.mockRestore();
      revoked.mockRestore();
    }
  });

  it('lists the issued problems with notice, requirement and deadline, and sends feedback with photos', async () => {
    const api = new MockApi({ user: OPERATOR });
    const photo = vi.spyOn(api, 'problemPhoto');
    const feedback = vi.spyOn(api, 'problemFeedback');
    await operatorPage(api);
    const section = screen.getByTestId('op-problems');
    // Seeded for 育才: 3 overdue, 4 and 5 open, 1 and 2 closed, 6 a draft nobody outside the county sees.
    await waitFor(() => expect(section.querySelectorAll('article')).toHaveLength(3));
    const overdue = within(section).getByTestId('op-problem-3');
    expect(overdue.textContent).toContain('整改通知书编号：');
    expect(overdue.textContent).toContain('问题：灭火器已过期。');
    expect(overdue.textContent).toContain('整改要求：更换过期灭火器，建立月度检查记录。');
    expect(overdue.textContent).toContain('整改期限：');
    expect(overdue.textContent).toContain('整改中');
    expect(within(overdue).getByTestId('op-overdue').textContent).toBe('逾期');
    expect(within(within(section).getByTestId('op-problem-4')).queryByTestId('op-overdue')).toBeNull();
    expect(within(section).getByTestId('op-closed').querySelectorAll('li')).toHaveLength(2);
    expect(section.textContent).not.toContain('群众满意度偏低');

    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], '灭火器.jpg', { type: 'image/jpeg' });
    await fireEvent.change(within(overdue).getByTestId('problem-feedback-photos'), { target: { files: [file] } });
    await fireEvent.input(within(overdue).getByTestId('problem-feedback-text'), { target: { value: '已更换灭火器 4 具，见照片。' } });
    const submit = within(overdue).getByTestId('problem-feedback-submit');
    expect(submit.textContent!.trim()).toBe('提交整改反馈');
    await fireEvent.click(submit);
    await waitFor(() => expect(within(screen.getByTestId('op-problem-3')).getByText(/最近反馈/)).toBeTruthy());
    expect(photo).toHaveBeenCalledWith(3, file);
    const sha = (await photo.mock.results[0].value).sha256;
    expect(feedback).toHaveBeenCalledWith(3, { text: '已更换灭火器 4 具，见照片。', photos: [sha] });
  });
});

describe('supervisor figures page', () => {
  beforeEach(() => { session.user = { ...SUPERVISOR }; });

  it('counts who reported the period due and marks the rest as not reported', async () => {
    const api = new MockApi();
    const asked = vi.spyOn(api, 'figuresCoverage');
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getAllByTestId('coverage-row')).toHaveLength(7));
    expect(asked).toHaveBeenCalledWith('2026Q3', {});
    expect((screen.getByTestId('coverage-period') as HTMLSelectElement).value).toBe('2026Q3');
    const rows = screen.getAllByTestId('coverage-row');
    expect(rows.filter((r) => r.dataset.reported === 'yes').map((r) => r.dataset.centre)).toEqual([TOWNSHIP, '130104-001']);
    expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 7 个，已报 2 个，未报 5 个');
    const yucai = rows.find((r) => r.dataset.centre === YUCAI)!;
    expect(within(yucai).getByTestId('coverage-missing').textContent).toBe('未填报');
    // 育才 has an operator, who is late; a centre without one is the county's to enter (代填).
    expect(within(yucai).queryByTestId('coverage-no-account')).toBeNull();
    const unrun = rows.filter((r) => within(r).queryByTestId('coverage-no-account'));
    expect(unrun.length).toBeGreaterThan(0);
    expect(unrun.every((r) => r.dataset.reported === 'no')).toBe(true);
    const township = rows.find((r) => r.dataset.centre === TOWNSHIP)!;
    expect(township.textContent).toContain('428');
    expect(township.textContent).toContain('op-changan');
    expect(within(township).getByTestId('coverage-warning').textContent).toContain('变化超过50%');
    expect(within(township).getByTestId('coverage-ledger').getAttribute('target')).toBe('_blank');
    const head = screen.getByTestId('coverage-table').querySelector('thead')!.textContent!;
    for (const w of ['中心', '区县', '营业额（万元）', '服务人次', '员工数量', '入驻商户数', '版本', '填报人', '填报时间']) expect(head).toContain(w);
  });

  it('counts an earlier period from the query', async () => {
    render(Figures, { props: { query: new URLSearchParams('period=2026Q2') }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 7 个，已报 3 个，未报 4 个'));
  });

  it('enters figures on behalf of a centre (代填) with the same form', async () => {
    const api = new MockApi();
    const sent = vi.spyOn(api, 'reportFigures');
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getAllByTestId('coverage-row')).toHaveLength(7));
    const row = screen.getAllByTestId('coverage-row').find((r) => r.dataset.centre === '130104-002')!;
    await fireEvent.click(within(row).getByTestId('coverage-enter'));
    const form = screen.getByTestId('figures-form-130104-002');
    expect(screen.getByTestId('coverage-enter-form').textContent).toContain('代填：振头社区便民服务中心');
    await fill(form, { 'figures-turnover': '52.3', 'figures-visits': '7600', 'figures-staff': '8', 'figures-merchants': '5' });
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    await waitFor(() => expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 7 个，已报 3 个，未报 4 个'));
    expect(sent).toHaveBeenCalledWith(expect.objectContaining({ centre_code: '130104-002', period: '2026Q3', turnover_wan: 52.3 }));
    const after = screen.getAllByTestId('coverage-row').find((r) => r.dataset.centre === '130104-002')!;
    expect(after.dataset.reported).toBe('yes');
    expect(after.textContent).toContain('sup-zhao');
  });

  it('lists the operators and creates an account for the chosen centres', async () => {
    const api = new MockApi();
    const created = vi.spyOn(api, 'createOperator');
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    const form = await screen.findByTestId('operator-create');
    await waitFor(() => expect(screen.getAllByTestId('operator-row')).toHaveLength(2));
    await waitFor(() => expect(screen.getAllByTestId('operator-row')[0].textContent).toContain('育才社区便民服务中心'));
    await waitFor(() => expect(within(form).getAllByRole('option').length).toBeGreaterThan(1));
    await fireEvent.input(within(form).getByTestId('operator-username'), { target: { value: 'op-youyi' } });
    await fireEvent.input(within(form).getByTestId('operator-name'), { target: { value: '桥西区友谊商贸有限公司' } });
    await fireEvent.input(within(form).getByTestId('operator-password'), { target: { value: 'yunying-2026-op' } });
    const select = within(form).getByTestId('operator-centres') as HTMLSelectElement;
    const choose = async (...codes: string[]) => {
      for (const o of select.options) o.selected = codes.includes(o.value);
      await fireEvent.change(select);
    };

    // Nothing chosen, then centres of two counties: refused on the page.
    await fireEvent.submit(form);
    expect(within(form).getByTestId('operator-error').textContent).toBe('请至少选择一个中心。');
    await choose('130104-001', YUCAI);
    await fireEvent.submit(form);
    expect(within(form).getByTestId('operator-error').textContent).toBe('所选中心不在同一区县，请分别开设账号。');
    expect(created).not.toHaveBeenCalled();

    await choose('130104-001', '130104-002');
    await fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByTestId('operator-created').textContent).toBe('已创建账号 op-youyi'));
    expect(created).toHaveBeenCalledWith({ username: 'op-youyi', display_name: '桥西区友谊商贸有限公司', password: 'yunying-2026-op',
      centres: ['130104-001', '130104-002'] });
    await waitFor(() => expect(screen.getAllByTestId('operator-row')).toHaveLength(3));
    expect(screen.getAllByTestId('operator-row')[2].textContent).toContain('振头社区便民服务中心');
  });

  it('shows the server\'s refusal of a new account', async () => {
    const api = new MockApi();
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    const form = await screen.findByTestId('operator-create');
    await waitFor(() => expect(within(form).getAllByRole('option').length).toBeGreaterThan(1));
    await fireEvent.input(within(form).getByTestId('operator-username'), { target: { value: 'op-changan' } });
    await fireEvent.input(within(form).getByTestId('operator-name'), { target: { value: '重名' } });
    await fireEvent.input(within(form).getByTestId('operator-password'), { target: { value: 'yunying-2026-op' } });
    const select = within(form).getByTestId('operator-centres') as HTMLSelectElement;
    for (const o of select.options) o.selected = o.value === '130102-102';
    await fireEvent.change(select);
    await fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByTestId('operator-error').textContent).toContain('user `op-changan` exists'));
  });
});

describe('figures coverage by region', () => {
  // The page reads its query from the hash; re-render with router.route's query as the Dashboard does.
  async function mount(api: MockApi, hash: string) {
    navigate(hash);
    const queryOf = () => (router.route.name === 'figures' ? router.route.query : new URLSearchParams());
    const r = render(Figures, { props: { query: queryOf() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('coverage-counts')).toBeTruthy());
    return { rerender: () => r.rerender({ query: queryOf() }) };
  }
  const options = (id: string) => [...(screen.getByTestId(id) as HTMLSelectElement).options].map((o) => o.value);
  const centres = () => screen.getAllByTestId('coverage-row').map((r) => r.dataset.centre);
  const hashQuery = () => new URLSearchParams(location.hash.split('?')[1] ?? '');
  const pick = async (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });

  it('a province administrator narrows to a city and a county; the rows, the counts and the query follow', async () => {
    session.user = { ...ADMINISTRATOR };
    const api = new MockApi({ user: ADMINISTRATOR });
    const real = await api.regions();
    // A second city: the county list follows the city chosen.
    vi.spyOn(api, 'regions').mockResolvedValue([...real,
      { province: '河北省', city: '保定市', population: null, counties: [{ county: '竞秀区', townships: ['韩村镇'] }] }]);
    const asked = vi.spyOn(api, 'figuresCoverage');
    const page = await mount(api, '#/figures?period=2026Q3');
    expect(centres()).toHaveLength(7);
    expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 7 个，已报 2 个，未报 5 个');
    await waitFor(() => expect(options('coverage-city')).toEqual(['', '石家庄市', '保定市']));
    expect(options('coverage-county')).toEqual(['', '长安区', '桥西区', '竞秀区']);

    await pick('coverage-city', '石家庄市');
    expect(Object.fromEntries(hashQuery())).toEqual({ period: '2026Q3', city: '石家庄市' });
    await page.rerender();
    expect(options('coverage-county')).toEqual(['', '长安区', '桥西区']);
    await pick('coverage-county', '桥西区');
    expect(Object.fromEntries(hashQuery())).toEqual({ period: '2026Q3', city: '石家庄市', county: '桥西区' });
    await page.rerender();
    await waitFor(() => expect(centres()).toEqual(['130104-001', '130104-002', '130104-003', '130104-101']));
    expect(asked).toHaveBeenLastCalledWith('2026Q3', { city: '石家庄市', county: '桥西区' });
    expect(screen.getByTestId('coverage-counts').textContent).toBe('石家庄市 桥西区：应报 4 个，已报 1 个，未报 3 个');
    expect((screen.getByTestId('coverage-county') as HTMLSelectElement).value).toBe('桥西区');

    // Another county, then another period: the region stays.
    await pick('coverage-county', '长安区');
    await page.rerender();
    await waitFor(() => expect(centres()).toEqual([YUCAI, TOWNSHIP, '130102-102']));
    expect(screen.getByTestId('coverage-counts').textContent).toBe('石家庄市 长安区：应报 3 个，已报 1 个，未报 2 个');
    await pick('coverage-period', '2026Q2');
    expect(Object.fromEntries(hashQuery())).toEqual({ period: '2026Q2', city: '石家庄市', county: '长安区' });
    await page.rerender();
    await waitFor(() => expect(screen.getByTestId('coverage-counts').textContent).toBe('石家庄市 长安区：应报 3 个，已报 3 个，未报 0 个'));

    // A new city clears the county.
    await pick('coverage-city', '');
    expect(Object.fromEntries(hashQuery())).toEqual({ period: '2026Q2' });
    await page.rerender();
    await waitFor(() => expect(centres()).toHaveLength(7));
    expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 7 个，已报 3 个，未报 4 个');
  });

  it('a reload keeps the region from the query', async () => {
    session.user = { ...ADMINISTRATOR };
    await mount(new MockApi({ user: ADMINISTRATOR }), '#/figures?period=2026Q3&city=石家庄市&county=长安区');
    expect(centres()).toEqual([YUCAI, TOWNSHIP, '130102-102']);
    expect((screen.getByTestId('coverage-city') as HTMLSelectElement).value).toBe('石家庄市');
    expect((screen.getByTestId('coverage-county') as HTMLSelectElement).value).toBe('长安区');
    expect((screen.getByTestId('coverage-period') as HTMLSelectElement).value).toBe('2026Q3');
  });

  it("a city's supervisor chooses among its counties only", async () => {
    session.user = { ...SUPERVISOR };
    const api = new MockApi();
    const asked = vi.spyOn(api, 'figuresCoverage');
    await mount(api, '#/figures?county=桥西区&city=保定市');
    expect(screen.queryByTestId('coverage-city')).toBeNull();
    await waitFor(() => expect(options('coverage-county')).toEqual(['', '长安区', '桥西区']));
    expect(asked).toHaveBeenCalledWith('2026Q3', { county: '桥西区' });
    expect(centres()).toEqual(['130104-001', '130104-002', '130104-003', '130104-101']);
    expect(screen.getByTestId('coverage-counts').textContent).toBe('桥西区：应报 4 个，已报 1 个，未报 3 个');
  });

  it("a county's supervisor sees no region selects and the county's centres", async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    const api = new MockApi({ user: COUNTY_SUPERVISOR });
    const asked = vi.spyOn(api, 'figuresCoverage');
    // A link made for someone else: the county's supervisor sees the county all the same.
    await mount(api, '#/figures?period=2026Q3&city=石家庄市&county=桥西区');
    expect(screen.queryByTestId('coverage-city')).toBeNull();
    expect(screen.queryByTestId('coverage-county')).toBeNull();
    expect(asked).toHaveBeenCalledWith('2026Q3', {});
    expect(centres()).toEqual([YUCAI, TOWNSHIP, '130102-102']);
    expect(screen.getByTestId('coverage-counts').textContent).toBe('应报 3 个，已报 1 个，未报 2 个');
  });

  it('labels the selects and the counts in English', async () => {
    setLang('en');
    session.user = { ...ADMINISTRATOR };
    await mount(new MockApi({ user: ADMINISTRATOR }), '#/figures?period=2026Q3&county=长安区');
    expect(screen.getByTestId('coverage-city').closest('label')!.textContent).toMatch(/^City/);
    expect(screen.getByTestId('coverage-county').closest('label')!.textContent).toMatch(/^County \/ district/);
    expect((screen.getByTestId('coverage-city') as HTMLSelectElement).options[0].textContent).toBe('All');
    expect(screen.getByTestId('coverage-counts').textContent).toBe('长安区: 3 to report, 1 reported, 2 missing');
  });

  it('the mock narrows like the server and refuses a region outside the caller\'s', async () => {
    const api = new MockApi();
    expect((await api.figuresCoverage('2026Q3', { city: '石家庄市', county: '长安区' })).map((r) => r.county))
      .toEqual(['长安区', '长安区', '长安区']);
    expect(await api.figuresCoverage('2026Q3', { county: '竞秀区' })).toEqual([]);
    await expect(api.figuresCoverage('2026Q3', { city: '保定市' })).rejects.toMatchObject({ status: 403 });
    const county = new MockApi({ user: COUNTY_SUPERVISOR });
    await expect(county.figuresCoverage('2026Q3', { county: '桥西区' })).rejects.toMatchObject({ status: 403 });
    expect(await county.figuresCoverage('2026Q3', { county: '长安区' })).toHaveLength(3);
  });

  it('shows a refusal and keeps the selects to choose again', async () => {
    session.user = { ...ADMINISTRATOR };
    const api = new MockApi({ user: ADMINISTRATOR });
    vi.spyOn(api, 'figuresCoverage').mockRejectedValue(new ApiError(422, 'invalid', 'more than 5000 centres: choose a city or a county'));
    navigate('#/figures');
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('choose a city or a county'));
    expect(screen.queryByTestId('coverage-table')).toBeNull();
    expect(screen.getByTestId('coverage-city')).toBeTruthy();
    expect(screen.getByTestId('coverage-county')).toBeTruthy();
  });
});
