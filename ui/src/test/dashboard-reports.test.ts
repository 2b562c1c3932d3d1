// The quarterly report chain (季度报表: 填报 → 审核 → 上报) against MockApi:
// the city's board with its counties' statuses, deadlines and 报送及时率;
// returning needs a comment; the heading's telephone is checked before
// anything is sent; a blocked board says why and cannot submit; a
// correction (更正) needs its reason; a county's correction makes the city's
// consolidation stale; the frozen tables of a version; the English switch.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import type { User } from '../lib/server-types.gen';
import { ApiError } from '../dashboard/api';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import { OPERATOR } from '../dashboard/api-mock-operators';
import { COUNTY_SUPERVISOR } from '../dashboard/api-mock-reports';
import Dashboard from '../dashboard/Dashboard.svelte';
import Reports from '../dashboard/pages/reports/Reports.svelte';
import { navigate } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';

// 2026-11-20 in China: the quarter reported is 2026Q3 (county deadline 10-05, city 10-08, province 10-10).
// Seeded (api-mock-reports.ts): 长安区 v1 returned by 石家庄市, v2 approved; 桥西区 v1 awaits the city's
// review; 石家庄市 has not submitted (overdue); of 河北省's other cities 保定市 awaits review.
const NOW = Date.UTC(2026, 10, 20, 4);
const RETURNED = '西兆通镇生活综合服务中心营业额环比翻倍，请核实台账后重新上报。';
const QIAOXI_SUPERVISOR: User = { ...COUNTY_SUPERVISOR, id: 10, username: 'sup-qiaoxi', display_name: '孙丽',
  scope: { province: '河北省', city: '石家庄市', county: '桥西区' } };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  setLang('zh-CN');
  session.user = { ...SUPERVISOR };
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function page(api: MockApi, query = '') {
  render(Reports, { props: { query: new URLSearchParams(query) }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('report-header')).toBeTruthy());
  return api;
}
const text = (id: string) => screen.getByTestId(id).textContent!.replace(/\s+/g, ' ').trim();
const part = (name: string) => screen.getByTestId(`report-part-${name}`);
async function fill(values: Record<string, string>) {
  for (const [id, v] of Object.entries(values)) await fireEvent.input(screen.getByTestId(id), { target: { value: v } });
}

describe('the city board', () => {
  it('shows the region, deadline, its counties with their statuses and versions, and 报送及时率', async () => {
    const api = new MockApi();
    const board = vi.spyOn(api, 'reportBoard');
    await page(api);
    expect(board).toHaveBeenCalledWith('2026Q3');
    expect(text('report-region')).toBe('石家庄市');
    expect(text('report-level')).toBe('市级报表');
    expect(text('report-period')).toBe('2026年第三季度');
    expect(text('report-deadline')).toBe('2026-10-08 逾期');
    expect(text('report-status')).toBe('未填报');
    expect((screen.getByTestId('report-quarter') as HTMLSelectElement).value).toBe('2026Q3');

    const changan = part('长安区');
    expect(changan.dataset.status).toBe('approved');
    expect(within(changan).getByTestId('report-part-status').textContent).toBe('审核通过');
    expect(changan.textContent).toContain('第2版');
    expect(changan.textContent).toContain('2026-10-05');
    expect(within(changan).getByTestId('report-part-accepted').textContent).toContain('第2版');
    expect(within(changan).queryByTestId('report-approve')).toBeNull();
    expect(within(changan).queryByTestId('report-part-differs')).toBeNull();

    const qiaoxi = part('桥西区');
    expect(within(qiaoxi).getByTestId('report-part-status').textContent).toBe('待审核');
    expect(qiaoxi.textContent).toContain('第1版');
    expect(within(qiaoxi).getByTestId('report-approve').textContent).toBe('审核通过');
    expect(within(qiaoxi).getByTestId('report-return').textContent).toBe('退回');

    const head = screen.getByTestId('report-parts').querySelector('thead')!.textContent!;
    for (const w of ['地区', '状态', '最新版本', '提交时间', '截止日期', '逾期', '已汇总版本', '已审核版本']) expect(head).toContain(w);

    // 石家庄市: 2025Q4 on time, 2026Q1 late, 2026Q2 on time, 2026Q3 missing; 桥西区 late in 2026Q2 and 2026Q3.
    const rate = (name: string) => within(screen.getByTestId(`report-timeliness-${name}`)).getByTestId('report-timeliness-rate').textContent;
    expect(screen.getByTestId('report-timeliness').querySelectorAll('tbody tr')[0].textContent).toContain('石家庄市');
    expect(rate('石家庄市')).toBe('50.0%');
    expect(rate('长安区')).toBe('100.0%');
    expect(rate('桥西区')).toBe('50.0%');
    const cells = [...screen.getByTestId('report-timeliness-石家庄市').querySelectorAll('td.num')].map((td) => td.textContent);
    expect(cells).toEqual(['4', '2', '1', '1', '50.0%']);

    // The city cannot consolidate while 桥西区 is not approved.
    expect(text('report-blocked')).toBe('暂不能提交：下级报表尚未全部审核通过');
    expect((screen.getByTestId('report-submit') as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(text('report-pending')).toBe('尚未审核通过的下级报表：桥西区'));
    expect(screen.getByTestId('report-versions-none').textContent).toBe('本季度尚未填报。');
  });

  it('is in the navigation for supervisors and administrators only', async () => {
    session.user = null;
    navigate('#/reports');
    render(Dashboard, { props: { api: new MockApi() } });
    await waitFor(() => expect(screen.getByTestId('report-header')).toBeTruthy());
    const nav = screen.getByTestId('nav-reports');
    expect(nav.textContent).toBe('季度报表');
    expect(nav.getAttribute('aria-current')).toBe('page');
    cleanup();

    session.user = null;
    render(Dashboard, { props: { api: new MockApi({ user: OPERATOR }) } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-reports')).toBeNull();
    expect(screen.queryByTestId('reports-page')).toBeNull();
    cleanup();

    // An inspector signed in to the dashboard sees no link, and the page is refused.
    session.user = null;
    navigate('#/reports');
    render(Dashboard, { props: { api: new MockApi({ user: { ...SUPERVISOR, username: 'insp-wang', role: 'inspector' } }) } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-reports')).toBeNull();
    expect(screen.queryByTestId('reports-page')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('您没有权限查看这项内容（超出您负责的地区）。');
    navigate('#/inspections');
  });

  it('returns a county\'s report only with a comment, then approves the resubmission', async () => {
    const api = new MockApi();
    const reviewed = vi.spyOn(api, 'reviewReport');
    await page(api);
    await fireEvent.click(within(part('桥西区')).getByTestId('report-return'));
    expect(screen.getByTestId('report-return-form').textContent).toContain('退回桥西区第1版');
    await fireEvent.click(screen.getByTestId('report-return-send'));
    expect(text('report-review-error')).toBe('请填写退回意见。');
    expect(screen.getByTestId('report-return-comment').getAttribute('aria-invalid')).toBe('true');
    expect(reviewed).not.toHaveBeenCalled();
    await expect(api.reviewReport(2, { decision: 'return', comment: ' ' })).rejects.toMatchObject({ status: 422 });

    const comment = '友谊社区便民服务中心员工数量与上季度相差较大，请核实。';
    await fill({ 'report-return-comment': comment });
    await fireEvent.click(screen.getByTestId('report-return-send'));
    await waitFor(() => expect(part('桥西区').dataset.status).toBe('returned'));
    expect(reviewed).toHaveBeenLastCalledWith(expect.any(Number), { decision: 'return', comment });
    expect(text('report-review-done')).toBe('已退回桥西区第1版。');
    expect(within(part('桥西区')).queryByTestId('report-approve')).toBeNull();
    expect(screen.queryByTestId('report-return-form')).toBeNull();

    // 桥西区 resubmits with a note; the city approves it and may now consolidate.
    api.user = QIAOXI_SUPERVISOR;
    await api.submitReport({ quarter: '2026Q3', header: { unit: '石家庄市桥西区商务局', preparer: '孙丽', checker: '刘强', phone: '0311-87654321' },
      reason: '已核实员工数量。' });
    api.user = { ...SUPERVISOR };
    cleanup();
    await page(api);
    expect(part('桥西区').textContent).toContain('第2版');
    await fireEvent.click(within(part('桥西区')).getByTestId('report-approve'));
    await waitFor(() => expect(part('桥西区').dataset.status).toBe('approved'));
    expect(reviewed).toHaveBeenLastCalledWith(expect.any(Number), { decision: 'approve' });
    await waitFor(() => expect(screen.queryByTestId('report-blocked')).toBeNull());
    expect((screen.getByTestId('report-submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('consolidates its approved counties, shows the preview, and submits (填报并上报)', async () => {
    const api = new MockApi();
    await page(api);
    await fireEvent.click(within(part('桥西区')).getByTestId('report-approve'));
    await waitFor(() => expect(screen.getByTestId('report-draft')).toBeTruthy());
    expect(text('report-draft-parts')).toBe('汇总的下级报表：长安区 第2版、桥西区 第1版');
    expect(screen.getByTestId('report-draft-att4-table')).toBeTruthy();
    expect(screen.getByTestId('report-draft-pilot-table').textContent).toContain('石家庄市');
    // The pilot's 2018 baseline is the counties' (长安区 2, 桥西区 0), summed by the consolidation.
    const draft = await api.reportDraft('2026Q3');
    expect(draft.snapshot.built_2018q4).toBe(2);
    expect(draft.snapshot.pilot[0]).toMatchObject({ city: '石家庄市', target: 10, built: 7, under_construction: 1, met: false,
      built_2018q4: 2, met_2018q4: false });
    const pilotRow = screen.getByTestId('report-draft-pilot-table').querySelector('tbody tr')!;
    expect([...pilotRow.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim()).slice(3))
      .toEqual(['7', '1', '✗ 未达标 差3个', '2', '✗ 未达标 差8个']);
    expect((screen.getByTestId('report-form-unit') as HTMLInputElement).value).toBe('石家庄市商务局');
    expect(screen.queryByTestId('report-form-reason')).toBeNull();
    const submit = screen.getByTestId('report-submit');
    expect(submit.textContent).toBe('填报并上报');

    const sent = vi.spyOn(api, 'submitReport');
    await fill({ 'report-form-preparer': '陈静', 'report-form-checker': '王海涛', 'report-form-phone': '(0311) 8520-1234' });
    await fireEvent.click(submit);
    await waitFor(() => expect(text('report-done')).toBe('已上报第1版，待上级审核。'));
    expect(sent).toHaveBeenCalledWith({ quarter: '2026Q3',
      header: { unit: '石家庄市商务局', preparer: '陈静', checker: '王海涛', phone: '(0311) 8520-1234' } });
    await waitFor(() => expect(text('report-status')).toBe('待审核'));
    expect(text('report-blocked')).toBe('暂不能提交：已上报，待上级审核');
    const v1 = screen.getByTestId('report-version-1');
    expect(v1.textContent).toContain('sup-zhao');
    expect(within(v1).getByTestId('report-download-xlsx-1').getAttribute('href')).toMatch(/tables\.xlsx$/);
    expect(within(part('长安区')).getByTestId('report-part-consolidated').textContent).toBe('第2版');
    expect(screen.getByTestId('report-download-bilingual').getAttribute('href')).toContain('layout=bilingual');
  });
});

describe('the county form', () => {
  it('checks the telephone before sending anything', async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    const api = new MockApi({ user: COUNTY_SUPERVISOR });
    const sent = vi.spyOn(api, 'submitReport');
    await page(api);
    await waitFor(() => expect((screen.getByTestId('report-form-phone') as HTMLInputElement).value).toBe('0311-86012345'));
    await fill({ 'report-form-reason': '更正育才社区便民服务中心营业额。' });
    for (const bad of ['0311#8601', '1234', '电话0311-86012345', '   ']) {
      await fill({ 'report-form-phone': bad });
      await fireEvent.click(screen.getByTestId('report-submit'));
      expect(text('report-form-error'), bad).toBe(bad.trim() ? '联系电话只能包含数字、空格和 + - ( )，至少5位。' : '请填写填报单位、填报人、审核人和联系电话。');
      expect(screen.getByTestId('report-form-phone').getAttribute('aria-invalid')).toBe('true');
    }
    expect(sent).not.toHaveBeenCalled();
    // The server refuses what slipped through; its words are shown in the form.
    sent.mockRejectedValueOnce(new ApiError(422, 'invalid', 'phone (联系电话): digits, spaces, + - ( ) only'));
    await fill({ 'report-form-phone': '+86 311 8601 2345' });
    await fireEvent.click(screen.getByTestId('report-submit'));
    await waitFor(() => expect(text('report-form-error')).toBe('联系电话只能包含数字、空格和 + - ( )，至少5位。'));
    expect(sent).toHaveBeenCalledTimes(1);
  });

  it('a correction of an approved version needs 更正说明, then becomes the next version', async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    const api = new MockApi({ user: COUNTY_SUPERVISOR });
    const sent = vi.spyOn(api, 'submitReport');
    await page(api);
    expect(text('report-level')).toBe('县级报表');
    expect(text('report-deadline')).toBe('2026-10-05');
    expect(text('report-status')).toBe('审核通过');
    expect(text('report-status-version')).toBe('第2版');
    expect(screen.queryByTestId('report-parts')).toBeNull();
    expect(screen.getByTestId('report-version-1').dataset.status).toBe('returned');
    expect(text('report-version-comment-1')).toBe(RETURNED);
    expect(text('report-version-reason-2')).toBe('已核实台账：西兆通镇中心新增入驻商户，营业额属实。');
    const head = screen.getByTestId('report-versions').querySelector('thead')!.textContent!;
    for (const w of ['版本', '状态', '提交人', '提交时间', '审核人', '审核时间', '审核意见/退回意见', '更正说明']) expect(head).toContain(w);

    // The preview: 长安区 has three built centres, only 西兆通镇 reported 2026Q3.
    await waitFor(() => expect(text('report-draft-counts')).toBe('应报 3 个，已报 1 个，未报 2 个'));
    const missing = screen.getByTestId('report-unreported');
    expect(missing.textContent).toContain('育才社区便民服务中心');
    expect(missing.textContent).toContain('南豆村村级生活综合服务站');

    expect(screen.getByTestId('report-correction-hint').textContent).toBe('第2版已审核通过，再次提交即为更正，须填写更正说明。');
    const submit = screen.getByTestId('report-submit');
    expect(submit.textContent).toBe('提交更正');
    await waitFor(() => expect((screen.getByTestId('report-form-unit') as HTMLInputElement).value).toBe('石家庄市长安区商务局'));
    expect((screen.getByTestId('report-form-preparer') as HTMLInputElement).value).toBe('赵敏');
    await fireEvent.click(submit);
    expect(text('report-form-error')).toBe('请填写更正说明。');
    expect(screen.getByTestId('report-form-reason').getAttribute('aria-invalid')).toBe('true');
    expect(sent).not.toHaveBeenCalled();
    await expect(api.submitReport({ quarter: '2026Q3', header: { unit: 'x', preparer: 'y', checker: 'z', phone: '12345' } }))
      .rejects.toMatchObject({ status: 422 });

    const reason = '补录育才社区便民服务中心第三季度经营数据。';
    await fill({ 'report-form-reason': reason });
    await fireEvent.click(submit);
    await waitFor(() => expect(text('report-done')).toBe('已上报第3版，待上级审核。'));
    expect(sent).toHaveBeenLastCalledWith(expect.objectContaining({ quarter: '2026Q3', reason }));
    await waitFor(() => expect(text('report-status-version')).toBe('第3版'));
    expect(text('report-status')).toBe('待审核');
    expect(text('report-version-reason-3')).toBe(reason);
    expect(text('report-blocked')).toBe('暂不能提交：已上报，待上级审核');
  });

  it('opens a version\'s frozen tables and its downloads', async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    const api = new MockApi({ user: COUNTY_SUPERVISOR });
    const fetched = vi.spyOn(api, 'reportVersion');
    await page(api);
    await fireEvent.click(screen.getByTestId('report-version-open-1'));
    const view = await screen.findByTestId('report-version-view');
    await waitFor(() => expect(within(view).getByTestId('report-version-view-att5-table')).toBeTruthy());
    const v1 = api.reporting.versions.find((v) => v.region.county === '长安区' && v.quarter === '2026Q3' && v.version === 1)!;
    expect(fetched).toHaveBeenCalledWith(v1.id);
    expect(view.textContent).toContain('长安区 2026年第三季度 县级报表 第1版');
    expect(view.textContent).toContain('石家庄市长安区商务局');
    expect(view.textContent).toContain(RETURNED);
    expect(within(view).getByTestId('report-version-view-att4-table').textContent).toContain('社区便民服务中心');
    expect(within(view).queryByTestId('report-version-view-pilot-table')).toBeNull();
    expect(within(view).getByTestId('report-version-view-download-xlsx').getAttribute('href')).toBe(`#mock-report-${v1.id}-tables.xlsx`);
    expect(within(view).getByTestId('report-version-view-download-att4').getAttribute('href')).toBe(`#mock-report-${v1.id}-attachment4.csv`);
    expect(within(view).getByTestId('report-version-view-download-bilingual').getAttribute('href'))
      .toBe(`#mock-report-${v1.id}-tables.xlsx?layout=bilingual`);
    await fireEvent.click(screen.getByTestId('report-version-view-close'));
    expect(screen.queryByTestId('report-version-view')).toBeNull();
  });
});

describe('a blocked board', () => {
  it('says why and cannot submit: awaiting review, a quarter not ended, the whole country', async () => {
    session.user = { ...QIAOXI_SUPERVISOR };
    const api = new MockApi({ user: QIAOXI_SUPERVISOR });
    const sent = vi.spyOn(api, 'submitReport');
    await page(api);
    expect(text('report-status')).toBe('待审核');
    expect(text('report-status-version')).toBe('第1版');
    expect(text('report-blocked')).toBe('暂不能提交：已上报，待上级审核');
    expect(screen.getByTestId('report-blocked').dataset.block).toBe('awaiting_review');
    const submit = screen.getByTestId('report-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await fireEvent.click(submit);
    expect(sent).not.toHaveBeenCalled();
    expect(screen.queryByTestId('report-draft')).toBeNull();
    cleanup();

    await page(api, 'quarter=2026Q4');
    expect(text('report-period')).toBe('2026年第四季度');
    expect(text('report-blocked')).toBe('暂不能提交：本季度尚未结束，季度结束后填报');
    expect((screen.getByTestId('report-submit') as HTMLButtonElement).disabled).toBe(true);
    cleanup();

    const nation: User = { ...ADMINISTRATOR, id: 1, username: 'admin-cn', scope: { province: '', city: '', county: '' } };
    session.user = nation;
    await page(new MockApi({ user: nation }));
    expect(text('report-region')).toBe('全国');
    expect(text('report-blocked')).toBe('全国视图：仅查看各省报送情况');
    expect(screen.queryByTestId('report-submit')).toBeNull();
    expect(within(part('河北省')).queryByTestId('report-approve')).toBeNull();
  });

  it('shows the server\'s refusal in the form', async () => {
    const api = new MockApi();
    await page(api);
    await fireEvent.click(within(part('桥西区')).getByTestId('report-approve'));
    await waitFor(() => expect((screen.getByTestId('report-submit') as HTMLButtonElement).disabled).toBe(false));
    vi.spyOn(api, 'submitReport').mockRejectedValueOnce(new ApiError(409, 'conflict', 'not yet approved: 桥西区'));
    await fill({ 'report-form-preparer': '陈静', 'report-form-checker': '王海涛', 'report-form-phone': '0311-85201234' });
    await fireEvent.click(screen.getByTestId('report-submit'));
    await waitFor(() => expect(text('report-form-error')).toBe('尚未审核通过的下级报表：桥西区'));
  });
});

describe('the province', () => {
  it('reviews its cities and its button says 报送商务部', async () => {
    session.user = { ...ADMINISTRATOR };
    const api = new MockApi({ user: ADMINISTRATOR });
    await page(api);
    expect(text('report-level')).toBe('省级报表');
    expect(text('report-deadline')).toBe('2026-10-10 逾期');
    expect(text('report-submit')).toBe('报送商务部');
    expect(part('石家庄市').dataset.status).toBe('none');
    expect(within(part('石家庄市')).getByTestId('report-part-overdue').textContent).toBe('逾期');
    expect(part('唐山市').dataset.status).toBe('returned');
    expect(within(part('保定市')).getByTestId('report-approve')).toBeTruthy();
    await fireEvent.click(within(part('保定市')).getByTestId('report-view'));
    const view = await screen.findByTestId('report-part-view');
    await waitFor(() => expect(within(view).getByTestId('report-part-view-pilot-table').textContent).toContain('保定市'));
    const baoding = within(view).getByTestId('report-part-view-pilot-table').querySelector('tbody tr')!;
    expect(within(baoding as HTMLElement).getAllByText(/达标/).map((e) => e.textContent!.trim())).toEqual(['✓ 达标', '✓ 达标']);
  });
});

describe('a county\'s correction', () => {
  it('makes the city\'s consolidation stale until the city corrects it', async () => {
    const api = new MockApi();
    const city = { ...SUPERVISOR };
    // The city approves 桥西区 and submits; the province approves; 长安区 corrects, the city approves that.
    await api.reviewReport(api.reporting.versions.find((v) => v.region.county === '桥西区' && v.quarter === '2026Q3')!.id, { decision: 'approve' });
    const header = { unit: '石家庄市商务局', preparer: '陈静', checker: '王海涛', phone: '0311-85201234' };
    const cityV1 = await api.submitReport({ quarter: '2026Q3', header });
    api.user = { ...ADMINISTRATOR };
    await api.reviewReport(cityV1.id, { decision: 'approve' });
    api.user = { ...COUNTY_SUPERVISOR };
    const v3 = await api.submitReport({ quarter: '2026Q3', header: { ...header, unit: '石家庄市长安区商务局' }, reason: '补录育才社区数据。' });
    api.user = city;
    await api.reviewReport(v3.id, { decision: 'approve' });

    await page(api);
    expect(text('report-stale')).toContain('下级报表已更正，本级需提交更正版');
    const changan = part('长安区');
    expect(changan.classList.contains('differs')).toBe(true);
    expect(within(changan).getByTestId('report-part-consolidated').textContent).toBe('第2版');
    expect(within(changan).getByTestId('report-part-accepted').textContent).toContain('第3版');
    expect(within(part('桥西区')).queryByTestId('report-part-differs')).toBeNull();
    expect(text('report-submit')).toBe('提交更正');
    await fill({ 'report-form-preparer': '陈静', 'report-form-checker': '王海涛', 'report-form-phone': '0311-85201234',
      'report-form-reason': '长安区更正后重新汇总。' });
    await waitFor(() => expect((screen.getByTestId('report-form-unit') as HTMLInputElement).value).toBe('石家庄市商务局'));
    await fireEvent.click(screen.getByTestId('report-submit'));
    await waitFor(() => expect(screen.queryByTestId('report-stale')).toBeNull());
    expect(within(part('长安区')).getByTestId('report-part-consolidated').textContent).toBe('第3版');
  });
});

describe('English', () => {
  it('switches every label', async () => {
    await page(new MockApi());
    setLang('en');
    await waitFor(() => expect(text('report-level')).toBe('City report'));
    expect(within(part('桥西区')).getByTestId('report-part-status').textContent).toBe('Awaiting review');
    expect(within(part('桥西区')).getByTestId('report-approve').textContent).toBe('Approve');
    expect(text('report-period')).toBe('2026 Q3');
    expect(text('report-blocked')).toBe('Cannot submit now: Not every report below is approved yet');
    expect(screen.getByTestId('report-timeliness').textContent).toContain('Reporting timeliness');
    expect(text('report-deadline')).toBe('2026-10-08 Overdue');
  });
});
