// 标杆样板 against MockApi (api-mock-exemplars.ts, the server's rules): the list
// with its state chips, 公示截止 and the red 需复核; a nomination's case write-up,
// record and print link; the province's steps for a province's staff only —
// the publicity at least five days on, an objection, 认定 disabled until the
// publicity has ended, 不予认定 with its reason; the nomination form's checks
// and the server's refusals in words; the empty state; English; the link and
// page for supervisors and administrators only.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import type { User } from '../lib/server-types.gen';
import { ApiError, HttpApi } from '../dashboard/api';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import { OPERATOR } from '../dashboard/api-mock-operators';
import { COUNTY_SUPERVISOR } from '../dashboard/api-mock-reports';
import Dashboard from '../dashboard/Dashboard.svelte';
import Exemplars from '../dashboard/pages/exemplars/Exemplars.svelte';
import { navigate } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';

// 2026-11-20 (noon in China). Seeded (newest first): 友谊 nominated; 西兆通镇 publicised until 11-26;
// 南豆村 publicised until 11-18 (ended); 汇通 not recognised after an objection; 育才 recognised, with
// a problem overdue since (需复核).
const NOW = Date.UTC(2026, 10, 20, 4);
const XIZHAOTONG = '130102-101';
const YUCAI = '130102-001';
const NANDOU = '130102-102';
const HUITONG = '130104-101';
const YOUYI = '130104-001';
const SUMMARY = '中心整合便民超市、家政维修和快递收发，统一配送到村，群众购物办事一次办完，服务覆盖全镇。';

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
  render(Exemplars, { props: { query: new URLSearchParams(query) }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('exemplar-list')).toBeTruthy());
  return api;
}
/// The page as a province's administrator sees it.
async function asProvince() {
  session.user = { ...ADMINISTRATOR };
  return page(new MockApi({ user: ADMINISTRATOR }));
}
const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
const row = (code: string) => screen.getByTestId(`exemplar-row-${code}`);
async function openRow(code: string) {
  await fireEvent.click(within(row(code)).getByTestId('exemplar-open'));
  await waitFor(() => expect(screen.getByTestId('exemplar-detail').dataset.state).toBeTruthy());
  return screen.getByTestId('exemplar-detail');
}
const events = () => [...screen.getByTestId('exemplar-events').querySelectorAll('tbody tr')].map((tr) =>
  [...tr.querySelectorAll('td')].map((td) => text(td)));
async function type(id: string, value: string) {
  await fireEvent.input(screen.getByTestId(id), { target: { value } });
}

describe('the list', () => {
  it('shows every nomination of the region, newest first, with its state, centre, region, type and basis', async () => {
    await page(new MockApi());
    const rows = [...screen.getByTestId('exemplar-list').querySelectorAll<HTMLElement>('li[data-state]')];
    expect(rows.map((r) => r.dataset.testid)).toEqual([YOUYI, XIZHAOTONG, NANDOU, HUITONG, YUCAI].map((c) => `exemplar-row-${c}`));
    expect(rows.map((r) => r.dataset.state)).toEqual(['nominated', 'publicized', 'publicized', 'rejected', 'recognised']);
    expect(rows.map((r) => within(r).getByTestId('exemplar-state').textContent)).toEqual(['待公示', '公示中', '公示中', '不予认定', '已认定']);
    expect(within(row(YOUYI)).getByTestId('exemplar-state').className).toContain('ex-nominated');

    const x = row(XIZHAOTONG);
    expect(within(x).getByTestId('exemplar-open').textContent).toBe('西兆通镇生活综合服务中心');
    expect(within(x).getByTestId('exemplar-until').textContent).toBe('公示截止 2026-11-26');
    expect(x.textContent).toContain('130102-101 · 石家庄市 长安区 · 乡（镇）生活综合服务中心');
    expect(text(within(x).getByTestId('exemplar-basis'))).toBe('评定依据：2026年第四季度 · 91.5 分 · 优秀');
    expect(x.textContent).toContain('案例：镇村联动的一站式生活服务');
    expect(within(row(NANDOU)).getByTestId('exemplar-until').textContent).toBe('公示截止 2026-11-18');
    // Only a publicity shows its end date.
    expect(within(row(YOUYI)).queryByTestId('exemplar-until')).toBeNull();
    expect(within(row(YUCAI)).queryByTestId('exemplar-until')).toBeNull();
    expect(row(HUITONG).textContent).toContain('桥西区 · 村级生活综合服务站');
  });

  it('flags a recognised centre due for 复核 in red, with the reason', async () => {
    await page(new MockApi());
    const flags = screen.getAllByTestId('exemplar-review-due');
    expect(flags).toHaveLength(1);
    expect(row(YUCAI).contains(flags[0])).toBe(true);
    expect(text(flags[0])).toBe('需复核 有 1 个问题逾期未整改');
    expect(flags[0].querySelector('.chip')!.className).toContain('ex-review');
  });

  it('links the public page in a new tab', async () => {
    await page(new MockApi());
    const link = screen.getByTestId('exemplars-public-link');
    expect(link.getAttribute('href')).toBe('/public/exemplars');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener');
    expect(new HttpApi().publicExemplarsUrl()).toBe('/public/exemplars');
    expect(new HttpApi().exemplarCaseUrl(4)).toBe('/api/v1/exemplars/4/case');
  });

  it('says so in words when nothing is nominated', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'exemplars').mockResolvedValue([]);
    await page(api);
    expect(screen.getByTestId('exemplars-none').textContent).toBe('本地区还没有推荐的标杆样板。符合条件的中心可以用下方“推荐标杆样板”推荐。');
    expect(screen.getByTestId('exemplar-nominate-form')).toBeTruthy();
  });

  it('a county’s supervisor sees the county’s nominations only', async () => {
    session.user = { ...COUNTY_SUPERVISOR };
    await page(new MockApi({ user: COUNTY_SUPERVISOR }));
    const codes = [...screen.getByTestId('exemplar-list').querySelectorAll<HTMLElement>('li[data-state]')].map((r) => r.dataset.testid);
    expect(codes).toEqual([XIZHAOTONG, NANDOU, YUCAI].map((c) => `exemplar-row-${c}`));
  });
});

describe('a nomination opened', () => {
  it('shows the case write-up, the basis, the record and the print link', async () => {
    const api = await page(new MockApi());
    const one = vi.spyOn(api, 'exemplar');
    const detail = await openRow(XIZHAOTONG);
    expect(one).toHaveBeenCalledWith(4);
    expect(row(XIZHAOTONG).classList.contains('open')).toBe(true);
    expect(within(detail).getByTestId('exemplar-detail-state').textContent).toBe('公示中');
    expect(within(detail).getByTestId('exemplar-case-title').textContent).toBe('镇村联动的一站式生活服务');
    expect(within(detail).getByTestId('exemplar-case-summary').textContent).toContain('统一收银、统一配送');
    expect([...within(detail).getByTestId('exemplar-case-practices').querySelectorAll('li')].map((li) => li.textContent)).toEqual(
      ['统一配送到村，村级服务站当日补货', '便民服务清单和价格上墙公示', '每季度听取村民代表意见建议']);
    expect(detail.textContent).toContain('2026年第四季度');
    expect(detail.textContent).toContain('91.5');
    expect(within(detail).getByTestId('exemplar-detail-until').textContent).toBe('公示截止 2026-11-26');
    expect(within(detail).getByTestId('exemplar-basis-link').getAttribute('href')).toBe('#/inspection/automerge%3A3Fh9TzWq8PbN');

    const print = within(detail).getByTestId('exemplar-case-link');
    expect(print.textContent).toBe('打印案例');
    expect(print.getAttribute('href')).toBe(api.exemplarCaseUrl(4));
    expect(print.getAttribute('target')).toBe('_blank');

    expect([...screen.getByTestId('exemplar-events').querySelectorAll('th')].map((th) => text(th))).toEqual(['时间', '人员', '环节', '说明']);
    const rec = events();
    expect(rec.map((r) => r.slice(1))).toEqual([['sup-changan', '推荐', '—'], ['admin-hebei', '公示', '公示至 2026-11-26']]);
    expect(rec[0][0]).toMatch(/2026/);
    navigate('#/inspections');
  });

  it('shows the objection and the reason of a nomination not recognised', async () => {
    await page(new MockApi());
    await openRow(HUITONG);
    const rec = events();
    expect(rec.map((r) => r[2])).toEqual(['推荐', '公示', '异议', '不予认定']);
    expect(rec[0][1]).toBe('赵敏（sup-zhao）');
    expect(rec[2][3]).toContain('冷藏柜温度长期偏高');
    expect(rec[3][3]).toBe('经核实异议属实，冷链管理不规范，不予认定；整改到位后可重新推荐。');
    navigate('#/inspections');
  });

  it('opens from the address, with 需复核 and the recognition recorded', async () => {
    await page(new MockApi(), 'id=1');
    const detail = await waitFor(() => {
      const d = screen.getByTestId('exemplar-detail');
      expect(d.dataset.state).toBe('recognised');
      return d;
    });
    expect(text(within(detail).getByTestId('exemplar-detail-review'))).toBe('需复核 有 1 个问题逾期未整改');
    expect(events().map((r) => r[2])).toEqual(['推荐', '公示', '认定']);
    await fireEvent.click(screen.getByTestId('exemplar-close'));
    expect(screen.queryByTestId('exemplar-detail')).toBeNull();
    navigate('#/inspections');
  });
});

describe('the province’s steps', () => {
  it('are shown to a province’s staff only; a city’s or county’s supervisor reads the record', async () => {
    await page(new MockApi());
    let detail = await openRow(YOUYI);
    expect(within(detail).queryByTestId('exemplar-actions')).toBeNull();
    for (const id of ['exemplar-publicize', 'exemplar-publicize-until', 'exemplar-reject', 'exemplar-objection', 'exemplar-recognise']) {
      expect(screen.queryByTestId(id), id).toBeNull();
    }
    expect(within(detail).getByTestId('exemplar-actions-others').textContent).toContain('由省级商务主管部门办理');
    // The server (and the mock) refuse a city's supervisor.
    await expect(new MockApi().exemplarAction(5, { action: 'publicize', until: '2026-11-30' })).rejects.toMatchObject({ status: 403 });
    cleanup();

    session.user = { ...COUNTY_SUPERVISOR };
    await page(new MockApi({ user: COUNTY_SUPERVISOR }));
    await openRow(XIZHAOTONG);
    expect(screen.queryByTestId('exemplar-actions')).toBeNull();
    expect(screen.queryByTestId('exemplar-recognise')).toBeNull();
    cleanup();

    await asProvince();
    expect(screen.getByTestId('exemplars-page').dataset.decides).toBe('true');
    detail = await openRow(YOUYI);
    // Nominated: 公示 and 不予认定; no objection or recognition yet.
    expect(within(detail).getByTestId('exemplar-publicize')).toBeTruthy();
    expect(within(detail).getByTestId('exemplar-reject')).toBeTruthy();
    expect(within(detail).queryByTestId('exemplar-objection')).toBeNull();
    expect(within(detail).queryByTestId('exemplar-recognise')).toBeNull();
    navigate('#/inspections');
  });

  it('公示: a week proposed, at least five days from today, then the nomination is under publicity', async () => {
    const api = await asProvince();
    const act = vi.spyOn(api, 'exemplarAction');
    await openRow(YOUYI);
    const until = screen.getByTestId('exemplar-publicize-until') as HTMLInputElement;
    expect(until.type).toBe('date');
    expect(until.value).toBe('2026-11-27');
    expect(until.min).toBe('2026-11-25');

    await fireEvent.input(until, { target: { value: '2026-11-24' } });
    await fireEvent.click(screen.getByTestId('exemplar-publicize'));
    expect(screen.getByTestId('exemplar-action-error').textContent).toBe('公示截止日期不能早于 2026-11-25（公示期不少于5天）。');
    expect(until.getAttribute('aria-invalid')).toBe('true');
    expect(act).not.toHaveBeenCalled();
    // The mock refuses it as the server does.
    await expect(api.exemplarAction(5, { action: 'publicize', until: '2026-11-24' })).rejects.toMatchObject({ status: 422 });

    await fireEvent.input(until, { target: { value: '2026-11-25' } });
    await fireEvent.click(screen.getByTestId('exemplar-publicize'));
    await waitFor(() => expect(screen.getByTestId('exemplar-action-done').textContent).toBe('已公示，截止 2026-11-25。'));
    expect(act).toHaveBeenLastCalledWith(5, { action: 'publicize', until: '2026-11-25' });
    expect(screen.getByTestId('exemplar-detail').dataset.state).toBe('publicized');
    expect(events().at(-1)!.slice(1)).toEqual(['admin-hebei', '公示', '公示至 2026-11-25']);
    await waitFor(() => expect(row(YOUYI).dataset.state).toBe('publicized'));
    expect(within(row(YOUYI)).getByTestId('exemplar-until').textContent).toBe('公示截止 2026-11-25');
    // Under publicity: objections and (later) recognition.
    expect(screen.getByTestId('exemplar-objection')).toBeTruthy();
    expect((screen.getByTestId('exemplar-recognise') as HTMLButtonElement).disabled).toBe(true);
    navigate('#/inspections');
  });

  it('the server’s refusal is shown in words', async () => {
    const api = await asProvince();
    vi.spyOn(api, 'exemplarAction').mockRejectedValueOnce(new ApiError(422, 'invalid', 'until: a date on or after 2026-11-26'));
    await openRow(YOUYI);
    await fireEvent.click(screen.getByTestId('exemplar-publicize'));
    await waitFor(() => expect(screen.getByTestId('exemplar-action-error').textContent)
      .toBe('公示截止日期不能早于 2026-11-26（公示期不少于5天）。'));
    vi.spyOn(api, 'exemplarAction').mockRejectedValueOnce(new ApiError(409, 'conflict', 'not possible while rejected'));
    await fireEvent.click(screen.getByTestId('exemplar-publicize'));
    await waitFor(() => expect(screen.getByTestId('exemplar-action-error').textContent)
      .toBe('这条推荐的状态已有变化，不能这样办理，请刷新后查看。'));
    navigate('#/inspections');
  });

  it('认定 is disabled until the publicity has ended, and says from when', async () => {
    const api = await asProvince();
    await openRow(XIZHAOTONG);
    const recognise = screen.getByTestId('exemplar-recognise') as HTMLButtonElement;
    expect(recognise.disabled).toBe(true);
    expect(text(screen.getByTestId('exemplar-recognise-hint'))).toBe('公示期到 2026-11-26 结束，2026-11-27 起可以认定。');
    await expect(api.exemplarAction(4, { action: 'recognise' })).rejects.toMatchObject({ status: 409, message: 'the publicity (公示) has not ended' });
    // No 公示 again while under publicity.
    expect(screen.queryByTestId('exemplar-publicize')).toBeNull();

    // An objection during the publicity: its text is needed, then it is on the record.
    await fireEvent.click(screen.getByTestId('exemplar-objection'));
    expect(screen.getByTestId('exemplar-action-error').textContent).toBe('请填写异议内容（2–1000字）。');
    await type('exemplar-objection-text', '有群众反映周末农资柜台不开门。');
    await fireEvent.click(screen.getByTestId('exemplar-objection'));
    await waitFor(() => expect(screen.getByTestId('exemplar-action-done').textContent).toBe('异议已记录。'));
    expect(events().at(-1)!.slice(1)).toEqual(['admin-hebei', '异议', '有群众反映周末农资柜台不开门。']);
    expect(screen.getByTestId('exemplar-detail').dataset.state).toBe('publicized');
    expect((screen.getByTestId('exemplar-objection-text') as HTMLTextAreaElement).value).toBe('');

    // 南豆村's publicity ended on 11-18: it can be recognised.
    await openRow(NANDOU);
    const ready = screen.getByTestId('exemplar-recognise') as HTMLButtonElement;
    expect(ready.disabled).toBe(false);
    expect(screen.getByTestId('exemplar-recognise-hint').textContent!.trim()).toBe('公示期已结束，可以认定。');
    await fireEvent.click(ready);
    await waitFor(() => expect(screen.getByTestId('exemplar-detail').dataset.state).toBe('recognised'));
    expect(screen.getByTestId('exemplar-action-done').textContent).toBe('已认定为标杆样板。');
    expect(events().at(-1)!.slice(1, 3)).toEqual(['admin-hebei', '认定']);
    expect(screen.getByTestId('exemplar-actions-closed').textContent).toBe('已办结，没有需要办理的事项。');
    await waitFor(() => expect(row(NANDOU).dataset.state).toBe('recognised'));
    navigate('#/inspections');
  });

  it('不予认定 needs its reason', async () => {
    const api = await asProvince();
    const act = vi.spyOn(api, 'exemplarAction');
    await openRow(XIZHAOTONG);
    await fireEvent.click(screen.getByTestId('exemplar-reject'));
    expect(screen.getByTestId('exemplar-action-error').textContent).toBe('请填写不予认定的理由（2–500字）。');
    expect(screen.getByTestId('exemplar-reject-reason').getAttribute('aria-invalid')).toBe('true');
    await type('exemplar-reject-reason', '  ');
    await fireEvent.click(screen.getByTestId('exemplar-reject'));
    expect(act).not.toHaveBeenCalled();
    await expect(api.exemplarAction(4, { action: 'reject', reason: ' ' })).rejects.toMatchObject({ status: 422 });

    await type('exemplar-reject-reason', '公示期间收到实名异议，经核实农资柜台存在过期商品。');
    await fireEvent.click(screen.getByTestId('exemplar-reject'));
    await waitFor(() => expect(screen.getByTestId('exemplar-detail').dataset.state).toBe('rejected'));
    expect(act).toHaveBeenLastCalledWith(4, { action: 'reject', reason: '公示期间收到实名异议，经核实农资柜台存在过期商品。' });
    expect(screen.getByTestId('exemplar-action-done').textContent).toBe('已不予认定。');
    expect(events().at(-1)!.slice(2)).toEqual(['不予认定', '公示期间收到实名异议，经核实农资柜台存在过期商品。']);
    expect(screen.queryByTestId('exemplar-reject')).toBeNull();
    await waitFor(() => expect(within(row(XIZHAOTONG)).getByTestId('exemplar-state').textContent).toBe('不予认定'));
    navigate('#/inspections');
  });
});

describe('the nomination form', () => {
  it('offers the region’s built centres, 优秀 first, those nominated already disabled', async () => {
    await page(new MockApi());
    const select = await waitFor(() => {
      const s = screen.getByTestId('exemplar-nominate-centre') as HTMLSelectElement;
      expect(s.tagName).toBe('SELECT');
      expect(s.querySelectorAll('optgroup')).toHaveLength(2);
      return s;
    });
    const groups = [...select.querySelectorAll('optgroup')];
    expect(groups.map((g) => g.label)).toEqual(['最近一次结果为优秀', '其他中心']);
    const options = (g: Element) => [...g.querySelectorAll('option')].map((o) => [o.value, o.disabled]);
    expect(options(groups[0])).toEqual([[YUCAI, true], [XIZHAOTONG, true], [NANDOU, true], [YOUYI, true], [HUITONG, false]]);
    expect(options(groups[1])).toEqual([['130104-002', false], ['130104-003', false]]);
    expect(select.querySelector(`option[value="${HUITONG}"]`)!.textContent).toBe('汇通村级生活综合服务站（130104-101）· 2026年第三季度 优秀');
    expect(select.querySelector(`option[value="${YUCAI}"]`)!.textContent).toContain('· 已推荐');
    expect(select.querySelector('option[value="130104-003"]')!.textContent).toContain('暂无正式结果');
  });

  it('checks the centre and the case as the server does before sending', async () => {
    const api = await page(new MockApi());
    const nominate = vi.spyOn(api, 'nominateExemplar');
    await waitFor(() => expect(screen.getByTestId('exemplar-nominate-centre').tagName).toBe('SELECT'));
    const submit = () => fireEvent.click(screen.getByTestId('exemplar-nominate-submit'));
    const error = () => screen.getByTestId('exemplar-nominate-error').textContent;

    await submit();
    expect(error()).toBe('请选择要推荐的中心。');
    await fireEvent.change(screen.getByTestId('exemplar-nominate-centre'), { target: { value: HUITONG } });
    await type('exemplar-nominate-title', '好');
    await submit();
    expect(error()).toBe('案例标题需2–80字。');
    expect(screen.getByTestId('exemplar-nominate-title').getAttribute('aria-invalid')).toBe('true');
    await type('exemplar-nominate-title', 'x'.repeat(81));
    await submit();
    expect(error()).toBe('案例标题需2–80字。');
    await type('exemplar-nominate-title', '统一配送到村');
    await type('exemplar-nominate-summary', '配送到村，当日补货。');
    await submit();
    expect(error()).toBe('经验做法需20–4000字（现在 10 字）。');
    await type('exemplar-nominate-summary', SUMMARY);
    await type('exemplar-nominate-practices', Array.from({ length: 11 }, (_, i) => `做法${i + 1}`).join('\n'));
    await submit();
    expect(error()).toBe('具体做法最多10条（现在 11 条）。');
    await type('exemplar-nominate-practices', '统一配送\n好\n价格上墙');
    await submit();
    expect(error()).toBe('第 2 条具体做法需2–200字。');
    expect(screen.getByTestId('exemplar-nominate-practices').getAttribute('aria-invalid')).toBe('true');
    expect(nominate).not.toHaveBeenCalled();
    // The mock refuses a bad case as the server does.
    await expect(api.nominateExemplar({ centre_code: HUITONG, case: { title: '好', summary: SUMMARY, practices: [] } }))
      .rejects.toMatchObject({ status: 422 });

    await type('exemplar-nominate-practices', '  统一配送到村  \n\n价格上墙公示\n');
    await submit();
    await waitFor(() => expect(screen.getByTestId('exemplar-nominate-done').textContent).toBe('已推荐“汇通村级生活综合服务站”，等待省级公示。'));
    expect(nominate).toHaveBeenCalledWith({ centre_code: HUITONG,
      case: { title: '统一配送到村', summary: SUMMARY, practices: ['统一配送到村', '价格上墙公示'] } });
    // The new nomination heads the list and opens; the form is empty again.
    await waitFor(() => expect(screen.getAllByTestId(`exemplar-row-${HUITONG}`).map((r) => r.dataset.state)).toEqual(['nominated', 'rejected']));
    await waitFor(() => expect(screen.getByTestId('exemplar-detail').dataset.state).toBe('nominated'));
    expect(screen.getByTestId('exemplar-case-title').textContent).toBe('统一配送到村');
    expect((screen.getByTestId('exemplar-nominate-title') as HTMLInputElement).value).toBe('');
    expect(events().map((r) => r.slice(1, 3))).toEqual([['赵敏（sup-zhao）', '推荐']]);
    navigate('#/inspections');
  });

  it('shows the server’s refusals in words: not 优秀, no result, problems in rectification', async () => {
    const api = await page(new MockApi());
    await waitFor(() => expect(screen.getByTestId('exemplar-nominate-centre').tagName).toBe('SELECT'));
    await type('exemplar-nominate-title', '社区服务一站办');
    await type('exemplar-nominate-summary', SUMMARY);
    const tryCentre = async (code: string) => {
      await fireEvent.change(screen.getByTestId('exemplar-nominate-centre'), { target: { value: code } });
      await fireEvent.click(screen.getByTestId('exemplar-nominate-submit'));
      await waitFor(() => expect(screen.getByTestId('exemplar-nominate-error')).toBeTruthy());
      return screen.getByTestId('exemplar-nominate-error').textContent;
    };
    // 振头: its latest official result failed with a veto.
    expect(await tryCentre('130104-002')).toBe('该中心最近一次正式检查结果不是“优秀”或有一票否决项，不能推荐。');
    expect(await tryCentre('130104-003')).toBe('该中心还没有正式检查结果，不能推荐。');
    await expect(api.nominateExemplar({ centre_code: XIZHAOTONG, case: { title: '社区服务一站办', summary: SUMMARY, practices: [] } }))
      .rejects.toMatchObject({ status: 409, message: 'the centre is already nominated or recognised' });
    expect(screen.queryByTestId('exemplar-nominate-done')).toBeNull();
  });

  it('a code to type when the registry cannot be read; 育才 has problems in rectification', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'registry').mockRejectedValue(new ApiError(500, 'internal', 'down'));
    await page(api);
    const input = await waitFor(() => {
      const i = screen.getByTestId('exemplar-nominate-centre');
      expect(i.tagName).toBe('INPUT');
      return i;
    });
    await fireEvent.input(input, { target: { value: YUCAI } });
    await type('exemplar-nominate-title', '社区嵌入式服务');
    await type('exemplar-nominate-summary', SUMMARY);
    await fireEvent.click(screen.getByTestId('exemplar-nominate-submit'));
    await waitFor(() => expect(screen.getByTestId('exemplar-nominate-error').textContent)
      .toBe('该中心有 3 个问题正在整改，整改销号后才能推荐。'));
    await fireEvent.input(input, { target: { value: '999999-001' } });
    await fireEvent.click(screen.getByTestId('exemplar-nominate-submit'));
    await waitFor(() => expect(screen.getByTestId('exemplar-nominate-error').textContent).toBe('没有找到这个中心，或它不在您负责的地区。'));
  });
});

describe('English', () => {
  it('switches the page, the chips, 需复核, the record and the form', async () => {
    session.user = { ...ADMINISTRATOR };
    await page(new MockApi({ user: ADMINISTRATOR }));
    await openRow(XIZHAOTONG);
    setLang('en');
    await tick();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Model centres');
    expect(screen.getByTestId('exemplars-public-link').textContent).toBe('Public page of model centres');
    const states = [...screen.getByTestId('exemplar-list').querySelectorAll('li[data-state]')]
      .map((r) => within(r as HTMLElement).getByTestId('exemplar-state').textContent);
    expect(states).toEqual(['Awaiting publicity', 'Under publicity', 'Under publicity', 'Not recognised', 'Recognised']);
    expect(within(row(XIZHAOTONG)).getByTestId('exemplar-until').textContent).toBe('Publicity ends 2026-11-26');
    expect(text(within(row(XIZHAOTONG)).getByTestId('exemplar-basis'))).toBe('Basis: 2026 Q4 · 91.5 points · 优秀 Excellent');
    expect(row(XIZHAOTONG).textContent).toContain('Township comprehensive life service centre');
    expect(text(screen.getByTestId('exemplar-review-due'))).toBe('Re-evaluate 1 problem(s) overdue for rectification');

    const detail = screen.getByTestId('exemplar-detail');
    expect(within(detail).getByTestId('exemplar-case-link').textContent).toBe('Print the case');
    expect([...screen.getByTestId('exemplar-events').querySelectorAll('th')].map((th) => text(th))).toEqual(['Time', 'By', 'Step', 'Details']);
    expect(events().map((r) => r.slice(2))).toEqual([['Nominated', '—'], ['Publicised', 'Open for objections until 2026-11-26']]);
    expect(screen.getByTestId('exemplar-recognise').textContent).toBe('Recognise');
    expect(text(screen.getByTestId('exemplar-recognise-hint'))).toBe('The publicity ends on 2026-11-26: it can be recognised from 2026-11-27.');
    expect(screen.getByTestId('exemplar-reject').textContent).toBe('Do not recognise');
    await fireEvent.click(screen.getByTestId('exemplar-reject'));
    expect(screen.getByTestId('exemplar-action-error').textContent).toBe('Write the reason for not recognising (2–500 characters).');

    expect(screen.getByTestId('exemplar-nominate').querySelector('h2')!.textContent).toBe('Nominate a model centre');
    expect(screen.getByTestId('exemplar-nominate-submit').textContent!.trim()).toBe('Nominate');
    await fireEvent.click(screen.getByTestId('exemplar-nominate-submit'));
    expect(screen.getByTestId('exemplar-nominate-error').textContent).toBe('Choose the centre to nominate.');
    setLang('zh-CN');
    await tick();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('标杆样板');
    navigate('#/inspections');
  });
});

describe('who sees it', () => {
  it('supervisors and administrators have the link and the page; inspectors and operators neither', async () => {
    session.user = null;
    navigate('#/exemplars');
    render(Dashboard, { props: { api: new MockApi() } });
    await waitFor(() => expect(screen.getByTestId('exemplar-list')).toBeTruthy());
    const nav = screen.getByTestId('nav-exemplars');
    expect(nav.textContent).toBe('标杆样板');
    expect(nav.getAttribute('href')).toBe('#/exemplars');
    expect(nav.getAttribute('aria-current')).toBe('page');
    // A click on a row keeps the opened nomination in the address.
    await openRow(XIZHAOTONG);
    expect(location.hash).toBe('#/exemplars?id=4');
    setLang('en');
    await tick();
    expect(screen.getByTestId('nav-exemplars').textContent).toBe('Model centres');
    setLang('zh-CN');
    cleanup();

    session.user = null;
    navigate('#/exemplars');
    render(Dashboard, { props: { api: new MockApi({ user: ADMINISTRATOR }) } });
    await waitFor(() => expect(screen.getByTestId('exemplars-page')).toBeTruthy());
    expect(screen.getByTestId('nav-exemplars')).toBeTruthy();
    cleanup();

    session.user = null;
    render(Dashboard, { props: { api: new MockApi({ user: OPERATOR }) } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-exemplars')).toBeNull();
    expect(screen.queryByTestId('exemplars-page')).toBeNull();
    cleanup();

    session.user = null;
    navigate('#/exemplars');
    const inspector: User = { ...SUPERVISOR, username: 'insp-wang', role: 'inspector' };
    const api = new MockApi({ user: inspector });
    const asked = vi.spyOn(api, 'exemplars');
    render(Dashboard, { props: { api } });
    await waitFor(() => expect(screen.getByTestId('logout')).toBeTruthy());
    expect(screen.queryByTestId('nav-exemplars')).toBeNull();
    expect(screen.queryByTestId('exemplars-page')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('您没有权限查看这项内容（超出您负责的地区）。');
    expect(asked).not.toHaveBeenCalled();
    // The mock refuses as the server does.
    await expect(api.exemplars()).rejects.toMatchObject({ status: 403 });
    navigate('#/inspections');
  });
});
