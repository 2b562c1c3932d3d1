// The rectification pages (整改) against MockApi: the ledger's counts and a
// count as a filter, a notice issued from two drafts (refused for two
// centres), a draft edited (a bad date refused), feedback and escalation
// refused without text, the report's and the centre's problems with 安排复查,
// the notice page, English, and no ledger for inspectors.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { ApiError, queryString } from '../dashboard/api';
import { MockApi, SUPERVISOR } from '../dashboard/api-mock';
import { chinaDate, isDate } from '../dashboard/api-mock-problems';
import Dashboard from '../dashboard/Dashboard.svelte';
import { navigate, parse, router } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';
import Report from '../dashboard/pages/Report.svelte';
import NoticePage from '../dashboard/pages/problems/NoticePage.svelte';
import ProblemDetail from '../dashboard/pages/problems/ProblemDetail.svelte';
import ProblemsSection from '../dashboard/pages/problems/ProblemsSection.svelte';
import { readProblemFilters, writeProblemFilters } from '../dashboard/pages/problems/problems';

// Seeded (api-mock-problems.ts): 育才 (130102-001, 长安区) 1 closed on time, 2 closed late,
// 3 overdue, 4 with feedback, 5 escalated, 6 draft; 友谊 (130104-001, 桥西区) 7, 8, 9 drafts.
const Q3_YUCAI = 'automerge:8Qs3FaMp9GhY';
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const cell = (county: string, col: string) =>
  screen.getByTestId(`ledger-row-${county}`).querySelector(`[data-col="${col}"]`)!.textContent!.trim();

beforeEach(() => {
  setLang('zh-CN');
  session.user = { ...SUPERVISOR };
  history.replaceState(null, '', '#/problems');
  localStorage.clear();
});

async function ledger(api = new MockApi(), hash = '#/problems') {
  navigate(hash);
  render(Dashboard, { props: { api } });
  await waitFor(() => expect(screen.getByTestId('ledger-row-长安区')).toBeTruthy());
  await waitFor(() => expect(screen.getByTestId('problem-row-1')).toBeTruthy());
  return api;
}

describe('helpers', () => {
  it('filters round-trip through the hash; routes; old overdue links are due=overdue', () => {
    const f = readProblemFilters(new URLSearchParams('county=长安区&state=issued&severity=veto&due=on_time&centre=130102-001&page=2&state2=x'));
    expect(f).toEqual({ county: '长安区', state: 'issued', severity: 'veto', due: 'on_time', centre: '130102-001', page: 2, per_page: 50 });
    expect(writeProblemFilters(f)).toMatchObject({ county: '长安区', state: 'issued', severity: 'veto', due: 'on_time', page: '2' });
    expect(readProblemFilters(new URLSearchParams('overdue=1'))).toEqual({ due: 'overdue', page: 1, per_page: 50 });
    expect(readProblemFilters(new URLSearchParams('overdue=true&due=late')).due).toBe('late');
    expect(writeProblemFilters(readProblemFilters(new URLSearchParams('overdue=1')))).toMatchObject({ due: 'overdue' });
    expect(writeProblemFilters(readProblemFilters(new URLSearchParams('overdue=1'))).overdue).toBeUndefined();
    expect(readProblemFilters(new URLSearchParams('state=bogus&severity=bad&due=soon'))).toEqual({ page: 1, per_page: 50 });
    expect(queryString({ county: '长安区', due: undefined, page: 1 })).toBe('?county=%E9%95%BF%E5%AE%89%E5%8C%BA&page=1');
    expect(parse('#/problems?county=x')).toMatchObject({ name: 'problems' });
    expect(parse('#/problem/12')).toEqual({ name: 'problem', id: 12 });
    expect(parse('#/notice/3')).toEqual({ name: 'notice', id: 3 });
    expect(parse('#/notice/x').name).toBe('inspections');
    expect(isDate('2026-02-28')).toBe(true);
    expect(isDate('2026-02-30')).toBe(false);
    expect(chinaDate(Date.UTC(2026, 11, 31, 17))).toBe('2027-01-01');
  });
});

describe('the ledger (整改台账)', () => {
  it('counts per county with totals; a count lists its problems', async () => {
    const api = await ledger();
    expect(screen.getByTestId('nav-problems').textContent).toBe('整改台账');
    expect([cell('长安区', 'draft'), cell('长安区', 'open'), cell('长安区', 'overdue'), cell('长安区', 'closed_on_time'),
      cell('长安区', 'closed_late')]).toEqual(['1', '2', '1', '1', '1']);
    expect(cell('桥西区', 'draft')).toBe('3');
    expect(screen.getByTestId('ledger-total').textContent).toContain('4');
    expect(screen.getAllByTestId(/^problem-row-/)).toHaveLength(9);

    const list = vi.spyOn(api, 'problems');
    await fireEvent.click(screen.getByTestId('ledger-长安区-overdue'));
    expect(router.route.name === 'problems' && router.route.query.get('due')).toBe('overdue');
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/)).toHaveLength(1));
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ county: '长安区', due: 'overdue' }));
    const row = screen.getByTestId('problem-row-3');
    expect(row.dataset.state).toBe('overdue');
    expect(within(row).getByTestId('problem-state-3').textContent).toBe('逾期');
    expect(screen.getByTestId('problem-deadline-3').classList.contains('overdue')).toBe(true);
    expect(row.textContent).toContain('否决项');
    expect((screen.getByTestId('problems-filter-due') as HTMLSelectElement).value).toBe('overdue');
    expect((screen.getByTestId('problems-filter-county') as HTMLSelectElement).value).toBe('长安区');
    expect(screen.getByTestId('problems-export-csv').getAttribute('href')).toContain('"due":"overdue"');

    // The drafts of 桥西区, then a severity filter on top.
    await fireEvent.click(screen.getByTestId('ledger-桥西区-draft'));
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/).map((r) => r.dataset.testid))
      .toEqual(['problem-row-9', 'problem-row-8', 'problem-row-7']));
    await fireEvent.change(screen.getByTestId('problems-filter-severity'), { target: { value: 'serious' } });
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/)).toHaveLength(1));
    expect(screen.getByTestId('problem-row-8')).toBeTruthy();
  });

  it('each count lists exactly its problems: 整改中 due=open, 按期销号 due=on_time, 逾期销号 due=late', async () => {
    const api = await ledger();
    const list = vi.spyOn(api, 'problems');
    const ids = () => screen.getAllByTestId(/^problem-row-/).map((r) => r.dataset.testid);

    await fireEvent.click(screen.getByTestId('ledger-长安区-open'));
    expect(router.route.name === 'problems' && router.route.query.get('due')).toBe('open');
    expect(router.route.name === 'problems' && router.route.query.get('state')).toBeNull();
    await waitFor(() => expect(ids()).toEqual(['problem-row-5', 'problem-row-4']));
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ county: '长安区', due: 'open' }));
    expect((screen.getByTestId('problems-filter-due') as HTMLSelectElement).value).toBe('open');

    await fireEvent.click(screen.getByTestId('ledger-长安区-closed_on_time'));
    expect(router.route.name === 'problems' && router.route.query.get('due')).toBe('on_time');
    await waitFor(() => expect(ids()).toEqual(['problem-row-1']));
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ county: '长安区', due: 'on_time' }));

    await fireEvent.click(screen.getByTestId('ledger-total-closed_late'));
    expect(router.route.name === 'problems' && router.route.query.get('due')).toBe('late');
    await waitFor(() => expect(ids()).toEqual(['problem-row-2']));

    // The filter itself: back to every problem, then due=overdue by hand.
    await fireEvent.change(screen.getByTestId('problems-filter-due'), { target: { value: '' } });
    await waitFor(() => expect(ids()).toHaveLength(9));
    await fireEvent.change(screen.getByTestId('problems-filter-due'), { target: { value: 'overdue' } });
    await waitFor(() => expect(ids()).toEqual(['problem-row-3']));
  });

  it('an old link with overdue=1 lists the overdue problems', async () => {
    const api = new MockApi();
    const list = vi.spyOn(api, 'problems');
    navigate('#/problems?overdue=1');
    render(Dashboard, { props: { api } });
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/).map((r) => r.dataset.testid)).toEqual(['problem-row-3']));
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ due: 'overdue' }));
  });

  it('the list shows notice numbers, the escalated mark and feedback', async () => {
    const api = new MockApi();
    const asked = vi.spyOn(api, 'notice');
    await ledger(api);
    // The number comes with the problem: no request per notice.
    expect(asked).not.toHaveBeenCalled();
    const notice = (await new MockApi().notice(2)).notice.number;
    expect(screen.getByTestId('problem-notice-5').textContent).toBe(notice);
    expect(notice).toMatch(/^长安商整〔\d{4}〕\d+号$/);
    expect(screen.getByTestId('problem-notice-5').getAttribute('href')).toBe('#/notice/2');
    expect(screen.getByTestId('problem-escalated-5').textContent).toBe('已督办');
    expect(screen.getByTestId('problem-row-4').textContent).toContain('已反馈');
    expect(screen.getByTestId('problem-row-1').dataset.state).toBe('closed');
    expect(screen.queryByTestId('problem-select-3')).toBeNull();
  });

  it('issues a notice from two drafts of one centre, refuses two centres', async () => {
    const api = await ledger();
    const issue = vi.spyOn(api, 'issueNotice');
    // Two centres: refused on the page, nothing sent; the server refuses too.
    await fireEvent.click(input('problem-select-6'));
    await fireEvent.click(input('problem-select-9'));
    expect(screen.getByTestId('notice-selected').textContent).toBe('已选 2 个问题');
    await fireEvent.click(screen.getByTestId('notice-issue'));
    await fireEvent.click(screen.getByTestId('notice-issue-submit'));
    expect(screen.getByTestId('notice-error').textContent).toContain('一份整改通知书只能下发给一个中心');
    expect(issue).not.toHaveBeenCalled();
    await expect(api.issueNotice({ problems: [6, 9] })).rejects.toMatchObject({ status: 422 });

    await fireEvent.click(input('problem-select-6'));
    await fireEvent.click(input('problem-select-8'));
    await fireEvent.input(input('notice-office'), { target: { value: '石家庄市桥西区商务局' } });
    await fireEvent.click(screen.getByTestId('notice-issue-submit'));
    await waitFor(() => expect(screen.getByTestId('notice-number').textContent).toMatch(/^桥西商整〔\d{4}〕1号$/));
    expect(issue).toHaveBeenLastCalledWith({ problems: [8, 9], office: '石家庄市桥西区商务局' });
    const print = screen.getByTestId('notice-print');
    expect(print.getAttribute('href')).toBe(api.noticePrintUrl(3));
    expect(print.getAttribute('target')).toBe('_blank');
    await waitFor(() => expect(screen.getByTestId('problem-row-8').dataset.state).toBe('issued'));
    expect(screen.getByTestId('problem-row-9').dataset.state).toBe('issued');
    expect(screen.getByTestId('problem-row-7').dataset.state).toBe('draft');
    await waitFor(() => expect(cell('桥西区', 'draft')).toBe('1'));
    expect(cell('桥西区', 'open')).toBe('2');
    const view = await api.notice(3);
    expect(view.notice.office).toBe('石家庄市桥西区商务局');
    expect(view.problems.map((p) => p.id)).toEqual([8, 9]);
    // Issued once: again is a conflict.
    await expect(api.issueNotice({ problems: [8] })).rejects.toMatchObject({ status: 409 });
  });

  it('a centre filter offers 安排复查 for its issued problems', async () => {
    const api = await ledger(new MockApi(), '#/problems?centre=130102-001');
    await fireEvent.click(await screen.findByTestId('followup-open'));
    await waitFor(() => expect(screen.getByTestId('followup-inspector-insp-li')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('followup-inspector-insp-li'));
    await fireEvent.click(screen.getByTestId('followup-submit'));
    await waitFor(() => expect(screen.getByTestId('followup-done').textContent).toContain('1 名检查人员'));
    const made = (await api.assignments()).filter((a) => a.purpose === 'follow_up' && a.centre_code === '130102-001');
    expect(made.map((a) => a.inspector)).toEqual(['insp-li']);
    expect((await api.problem(3)).problem.followup_doc).toBe(made[0].doc);
  });

  it('a filter chosen right after 重置 starts from no filters, not the old ones', async () => {
    await ledger(new MockApi(), '#/problems?county=长安区&severity=general');
    await fireEvent.click(screen.getByTestId('problems-filter-reset'));
    await fireEvent.change(screen.getByTestId('problems-filter-state'), { target: { value: 'draft' } });
    await waitFor(() => expect(location.hash).toContain('state=draft'));
    expect(location.hash).not.toContain('severity=');
    expect(location.hash).not.toContain('county=');
  });

  it('a centre typed but not applied survives another filter changing; a reset clears it', async () => {
    await ledger();
    await fireEvent.input(input('problems-filter-centre'), { target: { value: '130102-001' } });
    await fireEvent.change(screen.getByTestId('problems-filter-state'), { target: { value: 'draft' } });
    await waitFor(() => expect(location.hash).toContain('state=draft'));
    await waitFor(() => expect(screen.queryByTestId('problem-row-1')).toBeNull());
    expect(input('problems-filter-centre').value).toBe('130102-001');
    await fireEvent.submit(screen.getByTestId('problems-filters'));
    await waitFor(() => expect(location.hash).toContain('centre=130102-001'));
    navigate('#/problems');
    await waitFor(() => expect(input('problems-filter-centre').value).toBe(''));
  });
});

describe('a problem (#/problem/<id>)', () => {
  it('a draft is edited; an empty or bad date is refused inline', async () => {
    const api = new MockApi();
    const edit = vi.spyOn(api, 'editProblem');
    render(ProblemDetail, { props: { id: 6 }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('problem-state').textContent).toBe('待下发'));
    expect(screen.getByTestId('problem-inspection').getAttribute('href')).toBe(`#/inspection/${encodeURIComponent(Q3_YUCAI)}`);
    expect(screen.queryByTestId('problem-feedback')).toBeNull();

    await fireEvent.input(input('problem-edit-deadline'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('problem-edit-submit'));
    expect(screen.getByTestId('problem-edit-error').textContent).toBe('请填写有效的整改期限（年-月-日）。');
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('problem-edit-error'));
    expect(edit).not.toHaveBeenCalled();
    // The server's refusal of a date (e.g. 2026-02-30 typed where no date picker is).
    edit.mockRejectedValueOnce(new ApiError(422, 'invalid', '`2026-02-30` is not a date like 2027-01-31'));
    await fireEvent.input(input('problem-edit-deadline'), { target: { value: '2027-03-31' } });
    await fireEvent.click(screen.getByTestId('problem-edit-submit'));
    await waitFor(() => expect(screen.getByTestId('problem-edit-error').textContent).toContain('2026-02-30'));

    await fireEvent.change(screen.getByTestId('problem-edit-severity'), { target: { value: 'serious' } });
    await fireEvent.input(input('problem-edit-action'), { target: { value: '一个月内完成满意度回访。' } });
    await fireEvent.input(input('problem-edit-responsible'), { target: { value: '育才社区居委会' } });
    await fireEvent.click(screen.getByTestId('problem-edit-submit'));
    await waitFor(() => expect(screen.getByTestId('problem-edit-done')).toBeTruthy());
    expect(edit).toHaveBeenLastCalledWith(6, expect.objectContaining({ severity: 'serious', deadline: '2027-03-31',
      action: '一个月内完成满意度回访。', responsible: '育才社区居委会' }));
    await waitFor(() => expect(screen.getByTestId('problem-deadline').textContent).toBe('2027-03-31'));
    expect(screen.getByTestId('problem-severity').textContent).toBe('严重问题');
    const edited = screen.getByTestId('problem-events').querySelector('[data-kind="edited"]')!;
    expect(edited.textContent).toContain('修改');
    expect(edited.textContent).toContain('整改期限 2027-03-31');
  });

  it('feedback sends its photos first and names them; a stray photo is refused', async () => {
    const api = new MockApi();
    const photo = vi.spyOn(api, 'problemPhoto');
    render(ProblemDetail, { props: { id: 3 }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('problem-state').textContent).toBe('逾期'));
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], '灭火器.jpg', { type: 'image/jpeg' });
    await fireEvent.change(screen.getByTestId('problem-feedback-photos'), { target: { files: [file] } });
    expect(screen.getByTestId('problem-feedback-chosen').textContent).toBe('已选 1 张照片');
    await fireEvent.input(screen.getByTestId('problem-feedback-text'), { target: { value: '已更换灭火器，附照片。' } });
    await fireEvent.click(screen.getByTestId('problem-feedback-submit'));
    await waitFor(() => expect(screen.getByTestId('problem-feedback-done')).toBeTruthy());
    expect(photo).toHaveBeenCalledWith(3, file);
    const { events } = await api.problem(3);
    expect(events.at(-1)).toMatchObject({ kind: 'feedback', photos: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
    await expect(api.problemFeedback(3, { text: 'x', photos: ['0'.repeat(64)] })).rejects.toMatchObject({ status: 422 });
    await expect(api.problemPhoto(3, new Blob(['x'], { type: 'text/plain' }))).rejects.toMatchObject({ status: 415 });
  });

  it('feedback is refused without text, then recorded', async () => {
    const api = new MockApi();
    const feedback = vi.spyOn(api, 'problemFeedback');
    render(ProblemDetail, { props: { id: 3 }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('problem-state').textContent).toBe('逾期'));
    expect(screen.queryByTestId('problem-edit')).toBeNull();
    expect(screen.getByTestId('problem-deadline').classList.contains('overdue')).toBe(true);
    expect(screen.getAllByTestId('problem-photo')).toHaveLength(2);
    await fireEvent.click(screen.getByTestId('problem-feedback-submit'));
    expect(screen.getByTestId('problem-feedback-error').textContent).toBe('请填写整改反馈内容。');
    expect(feedback).not.toHaveBeenCalled();
    await expect(api.problemFeedback(3, { text: '  ' })).rejects.toMatchObject({ status: 422 });
    await fireEvent.input(screen.getByTestId('problem-feedback-text'), { target: { value: '已更换灭火器 4 具。' } });
    await fireEvent.click(screen.getByTestId('problem-feedback-submit'));
    await waitFor(() => expect(screen.getByTestId('problem-feedback-done')).toBeTruthy());
    await waitFor(() => expect(screen.getByTestId('problem-events').querySelector('[data-kind="feedback"]')?.textContent)
      .toContain('已更换灭火器 4 具。'));
    expect(screen.getByTestId('problem-events').querySelector('[data-kind="feedback"]')!.textContent).toContain('整改反馈');
  });

  it('escalation needs a reason', async () => {
    const api = new MockApi();
    const escalate = vi.spyOn(api, 'escalateProblem');
    render(ProblemDetail, { props: { id: 3 }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('problem-escalate-submit')).toBeTruthy());
    expect(screen.queryByTestId('problem-escalated')).toBeNull();
    await fireEvent.click(screen.getByTestId('problem-escalate-submit'));
    expect(screen.getByTestId('problem-escalate-error').textContent).toBe('请填写督办原因。');
    expect(escalate).not.toHaveBeenCalled();
    await fireEvent.input(screen.getByTestId('problem-escalate-reason'), { target: { value: '逾期未整改，挂牌督办。' } });
    await fireEvent.click(screen.getByTestId('problem-escalate-submit'));
    await waitFor(() => expect(screen.getByTestId('problem-escalated').textContent).toBe('已督办'));
    expect(escalate).toHaveBeenCalledWith(3, { reason: '逾期未整改，挂牌督办。' });
    expect(screen.getByTestId('problem-events').querySelector('[data-kind="escalated"]')!.textContent).toContain('督办');
  });

  it('a closed problem shows its closing and no forms', async () => {
    render(ProblemDetail, { props: { id: 2 }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('problem-state').textContent).toBe('已销号'));
    expect(screen.getByTestId('problem-closed')).toBeTruthy();
    expect(screen.queryByTestId('problem-feedback')).toBeNull();
    expect(screen.getByTestId('problem-closed-on').textContent).toContain('销号');
    const kinds = [...screen.getByTestId('problem-events').querySelectorAll('[data-kind]')].map((e) => (e as HTMLElement).dataset.kind);
    expect(kinds).toEqual(['found', 'issued', 'rectified', 'closed']);
  });
});

describe('problems elsewhere', () => {
  it('the report shows its 问题清单 with states', async () => {
    render(Report, { props: { doc: Q3_YUCAI }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('inspection-problems')).toBeTruthy());
    const section = screen.getByTestId('inspection-problems');
    expect(within(section).getByText('问题清单')).toBeTruthy();
    await waitFor(() => expect(within(section).getAllByTestId(/^problem-row-/)).toHaveLength(4));
    expect(within(section).getByTestId('problem-state-3').textContent).toBe('逾期');
    expect(within(section).getByTestId('problem-state-6').textContent).toBe('待下发');
    expect(within(section).getByTestId('problem-state-4').textContent).toBe('整改中');
  });

  it('an inspector’s report asks for no problems', async () => {
    session.user = { ...SUPERVISOR, role: 'inspector' };
    const api = new MockApi();
    const list = vi.spyOn(api, 'problems');
    render(Report, { props: { doc: Q3_YUCAI }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('report-total')).toBeTruthy());
    expect(screen.queryByTestId('inspection-problems')).toBeNull();
    expect(list).not.toHaveBeenCalled();
  });

  it('the centre’s history offers 安排复查, refused without an inspector', async () => {
    const api = new MockApi();
    const follow = vi.spyOn(api, 'followUp');
    render(ProblemsSection, { props: { centre: '130102-001' }, context: apiContext(api) });
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/)).toHaveLength(6));
    expect(screen.getByTestId('centre-problems-ledger').getAttribute('href')).toBe('#/problems?centre=130102-001');
    await fireEvent.click(screen.getByTestId('followup-open'));
    expect(screen.getByTestId('followup-form').textContent).toContain('3 个问题');
    await fireEvent.click(screen.getByTestId('followup-submit'));
    expect(screen.getByTestId('followup-error').textContent).toBe('请至少选择一名复查人员。');
    expect(follow).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId('followup-inspector-insp-wang')).toBeTruthy());
    expect(screen.queryByTestId('followup-inspector-insp-zhou')).toBeNull();
    await fireEvent.click(screen.getByTestId('followup-inspector-insp-wang'));
    await fireEvent.click(screen.getByTestId('followup-inspector-insp-chen'));
    await fireEvent.click(screen.getByTestId('followup-submit'));
    await waitFor(() => expect(screen.getByTestId('followup-done').textContent).toBe('已安排复查：2 名检查人员。'));
    expect(follow).toHaveBeenCalledWith({ centre_code: '130102-001', inspectors: ['insp-wang', 'insp-chen'] });
    await waitFor(() => expect(screen.getByTestId('problem-row-5').textContent).toContain('已安排复查'));
  });

  it('a centre without issued problems has no 安排复查', async () => {
    render(ProblemsSection, { props: { centre: '130104-001' }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getAllByTestId(/^problem-row-/)).toHaveLength(3));
    expect(screen.queryByTestId('followup-open')).toBeNull();
  });

  it('the notice page lists its problems and links the print page', async () => {
    const api = new MockApi();
    render(NoticePage, { props: { id: 2 }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('notice-number').textContent).toMatch(/^长安商整〔\d{4}〕\d+号$/));
    expect(screen.getByTestId('notice-office-name').textContent).toBe('石家庄市长安区商务主管部门');
    expect(screen.getAllByTestId(/^problem-row-/).map((r) => r.dataset.testid)).toEqual(['problem-row-3', 'problem-row-4', 'problem-row-5']);
    expect(screen.getByTestId('notice-print').getAttribute('href')).toBe(api.noticePrintUrl(2));
    expect(screen.getByTestId('notice-print').getAttribute('target')).toBe('_blank');
  });
});

describe('English and roles', () => {
  it('the ledger in English', async () => {
    await ledger();
    await fireEvent.click(screen.getByTestId('lang-switch'));
    expect(screen.getByTestId('nav-problems').textContent).toBe('Rectification');
    expect(screen.getByText('Rectification ledger')).toBeTruthy();
    const head = screen.getByTestId('ledger').querySelector('thead')!.textContent!;
    for (const w of ['To issue', 'Being rectified', 'Overdue', 'Closed on time', 'Closed late']) expect(head).toContain(w);
    expect(screen.getByTestId('problem-state-3').textContent).toBe('Overdue');
    expect(screen.getByTestId('problem-row-3').textContent).toContain('Fire equipment present and in date');
    expect(screen.getByTestId('problem-row-3').textContent).toContain('Veto item');
    expect(screen.getByTestId('notice-issue').textContent).toBe('Issue a rectification notice');
    expect(screen.getByTestId('problems-export-xlsx').textContent).toBe('Export Excel');
  });

  it('a problem’s page in English', async () => {
    setLang('en');
    render(ProblemDetail, { props: { id: 5 }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('problem-state').textContent).toBe('Being rectified'));
    expect(screen.getByTestId('problem-escalated').textContent).toBe('Escalated');
    expect(screen.getByTestId('problem-feedback-submit').textContent!.trim()).toBe('Record the report');
    expect(screen.getByTestId('problem-escalate-submit').textContent!.trim()).toBe('Escalate');
    expect(screen.getByText('Rectification record')).toBeTruthy();
    expect(screen.getByTestId('problem-events').querySelector('[data-kind="issued"]')!.textContent).toContain('Notice issued');
  });

  it('an inspector has no ledger', async () => {
    const api = new MockApi();
    api.me = async () => ({ ...SUPERVISOR, role: 'inspector' });
    navigate('#/problems');
    render(Dashboard, { props: { api } });
    await screen.findByTestId('nav-centres');
    expect(screen.queryByTestId('nav-problems')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('没有权限');
  });
});
