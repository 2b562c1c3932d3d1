// The assignment pages (任务安排) against MockApi: a plan is created, drawn,
// an inspector replaced with a reason (refused without one), the plan
// confirmed and its progress shown; manual tasks; coverage; English.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { MockApi, SUPERVISOR } from '../dashboard/api-mock';
import Dashboard from '../dashboard/Dashboard.svelte';
import { planQuarters, quarterEnd, quarterEnded, shiftQuarter } from '../dashboard/quarters';
import { navigate, parse, router } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';
import Coverage from '../dashboard/pages/plans/Coverage.svelte';
import ManualTasks from '../dashboard/pages/plans/ManualTasks.svelte';
import PlanDetail from '../dashboard/pages/plans/PlanDetail.svelte';
import Plans from '../dashboard/pages/plans/Plans.svelte';
import { isOverdue, taskProgress, uncovered } from '../dashboard/pages/plans/plans';
import type { InspectionRow, RegistryRow } from '../lib/server-types.gen';

const NOW = Date.UTC(2026, 10, 20, 4); // 2026-11-20, in 2026Q4
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

beforeEach(() => {
  setLang('zh-CN');
  session.user = { ...SUPERVISOR };
  history.replaceState(null, '', '#/plans');
  localStorage.clear();
});

describe('quarters and helpers', () => {
  it('shifts quarters and knows when one has ended (UTC+8)', () => {
    expect(shiftQuarter('2026Q4', 1)).toBe('2027Q1');
    expect(shiftQuarter('2026Q1', -1)).toBe('2025Q4');
    expect(shiftQuarter('2026Q2', -6)).toBe('2024Q4');
    expect(planQuarters(2, NOW)).toEqual(['2026Q3', '2026Q4', '2027Q1', '2027Q2']);
    expect(quarterEnd('2026Q4')).toBe(Date.UTC(2026, 11, 31, 16));
    expect(quarterEnded('2026Q3', NOW)).toBe(true);
    expect(quarterEnded('2026Q4', NOW)).toBe(false);
  });

  it('task progress: no row or an untouched draft has not started; overdue once the quarter ends unsigned', () => {
    const row = (status: InspectionRow['status'], extra: Partial<InspectionRow> = {}) =>
      ({ centre_code: 'C1', status, total: 30, on_site: null, change_count: 1, updated_at: 1, doc: 'd', ...extra } as InspectionRow);
    expect(taskProgress([], 'C1').progress).toBe('not_started');
    expect(taskProgress([row('draft')], 'C1').progress).toBe('not_started');
    expect(taskProgress([row('draft', { change_count: 2 })], 'C1').progress).toBe('in_progress');
    expect(taskProgress([row('submitted')], 'C1').progress).toBe('signed');
    expect(taskProgress([row('approved')], 'C1').progress).toBe('approved');
    expect(taskProgress([row('returned')], 'C1').progress).toBe('returned');
    expect(isOverdue('returned', '2026Q3', NOW)).toBe(true);
    expect(isOverdue('signed', '2026Q3', NOW)).toBe(false);
    expect(isOverdue('not_started', '2026Q4', NOW)).toBe(false);
  });

  it('coverage: built centres without an official inspection this year', () => {
    const r = (code: string, status: string, quarter: string | null) =>
      ({ centre: { code, status }, latest: quarter ? { quarter } : null } as unknown as RegistryRow);
    const rows = [r('a', 'built', '2026Q1'), r('b', 'built', '2025Q4'), r('c', 'built', null), r('d', 'planned', null)];
    expect(uncovered(rows, '2026').map((x) => x.centre.code)).toEqual(['b', 'c']);
  });

  it('routes #/plans and #/plan/<id>', () => {
    expect(parse('#/plans?tab=tasks')).toMatchObject({ name: 'plans' });
    expect(parse('#/plan/12')).toEqual({ name: 'plan', id: 12 });
    expect(parse('#/plan/x').name).toBe('inspections');
  });
});

describe('plans', () => {
  it('lists plans with their states and creates one from the form', async () => {
    const api = new MockApi();
    const create = vi.spyOn(api, 'createPlan');
    render(Plans, { props: { query: new URLSearchParams(), now: NOW }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('plan-row-1')).toBeTruthy());
    expect(screen.getByTestId('plan-row-1').textContent).toContain('已确认');
    expect(screen.getByTestId('plan-row-2').textContent).toContain('已抽取');
    expect(screen.getByTestId('plan-row-2').textContent).toContain('双随机抽查');

    await fireEvent.click(screen.getByTestId('plan-create-open'));
    expect(input('plan-create-quarter').value).toBe('2026Q4');
    // No name: refused on the page, nothing sent.
    await fireEvent.click(screen.getByTestId('plan-create-submit'));
    expect(screen.getByRole('alert').textContent).toContain('请填写计划名称');
    expect(create).not.toHaveBeenCalled();

    await fireEvent.input(input('plan-create-name'), { target: { value: '2026年第四季度双随机抽查' } });
    await fireEvent.click(screen.getByTestId('plan-create-type-village'));
    await fireEvent.click(screen.getByTestId('plan-create-type-community'));
    await fireEvent.click(screen.getByTestId('plan-create-mode-count'));
    await fireEvent.input(input('plan-create-count'), { target: { value: '2' } });
    await fireEvent.input(input('plan-create-per-task'), { target: { value: '1' } });
    await fireEvent.input(input('plan-create-seed'), { target: { value: '2026Q4-公开种子' } });
    await waitFor(() => expect(screen.getByTestId('plan-create-pool-insp-wang')).toBeTruthy());
    // A credential ticks the inspector; insp-li is ticked by hand; the disabled one is not offered.
    await fireEvent.input(input('plan-create-credential-insp-wang'), { target: { value: '冀执 0101' } });
    await fireEvent.click(screen.getByTestId('plan-create-pool-insp-li'));
    expect(screen.queryByTestId('plan-create-pool-insp-zhou')).toBeNull();
    await fireEvent.click(screen.getByTestId('plan-create-submit'));

    await waitFor(() => expect(router.route).toEqual({ name: 'plan', id: 3 }));
    expect(create).toHaveBeenCalledWith({
      name: '2026年第四季度双随机抽查', quarter: '2026Q4', purpose: 'random', county: null,
      criteria: { centre_types: ['community', 'village'], statuses: [], skip_inspected_quarters: 0 },
      sampling: { count: 2 }, per_task: 1, seed: '2026Q4-公开种子',
      pool: [
        { username: 'insp-wang', credential: '冀执 0101', county: '', township: '', conflicts: [] },
        { username: 'insp-li', credential: '', county: '', township: '', conflicts: [] },
      ],
    });
  });

  it('a ratio is sent in per mille; a bad ratio is refused', async () => {
    const api = new MockApi();
    const create = vi.spyOn(api, 'createPlan');
    render(Plans, { props: { query: new URLSearchParams(), now: NOW }, context: apiContext(api) });
    await fireEvent.click(await screen.findByTestId('plan-create-open'));
    await fireEvent.input(input('plan-create-name'), { target: { value: '比例抽查' } });
    await fireEvent.input(input('plan-create-percent'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('plan-create-submit'));
    expect(screen.getByTestId('plan-create-error').textContent).toContain('0.1%');
    await fireEvent.input(input('plan-create-percent'), { target: { value: '12.5' } });
    await fireEvent.click(screen.getByTestId('plan-create-submit'));
    await waitFor(() => expect(create).toHaveBeenCalledWith(expect.objectContaining({ sampling: { per_mille: 125 }, per_task: 2, pool: [] })));
  });

  it('draws, replaces an inspector with a reason, confirms and shows progress', async () => {
    const api = new MockApi();
    const plan = await api.createPlan({ name: '测试抽查', quarter: '2026Q4', purpose: 'random', county: null,
      criteria: { centre_types: [], statuses: [], skip_inspected_quarters: 0 }, sampling: { count: 1 }, per_task: 2,
      seed: 'seed-1', pool: [] });
    const replace = vi.spyOn(api, 'replaceInPlan');
    render(PlanDetail, { props: { id: plan.id, now: NOW }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('plan-state').textContent).toBe('草稿'));
    expect(screen.getByTestId('plan-seed').textContent).toBe('seed-1');
    expect(screen.queryByTestId('plan-confirm')).toBeNull();

    await fireEvent.click(screen.getByTestId('plan-draw'));
    await waitFor(() => expect(screen.getByTestId('plan-state').textContent).toBe('已抽取'));
    const tasks = screen.getAllByTestId(/^plan-task-/);
    expect(tasks.length).toBeGreaterThan(0);
    expect(screen.queryByTestId('plan-draw')).toBeNull();
    expect(within(screen.getByTestId('plan-events')).getByText('抽取')).toBeTruthy();

    // Replace the first inspector of the first task: refused without a reason.
    const centre = tasks[0].dataset.testid!.replace('plan-task-', '');
    const button = within(tasks[0]).getAllByTestId(/^plan-replace-/)[0];
    const out = button.dataset.testid!.replace(`plan-replace-${centre}-`, '');
    await fireEvent.click(button);
    await fireEvent.click(screen.getByTestId('replace-submit'));
    expect(screen.getByTestId('replace-error').textContent).toBe('请填写替换原因。');
    expect(replace).not.toHaveBeenCalled();
    await fireEvent.input(screen.getByTestId('replace-reason'), { target: { value: '本人生病，无法参加' } });
    await fireEvent.click(screen.getByTestId('replace-submit'));
    await waitFor(() => expect(screen.getByTestId('replace-notice').textContent).toContain('已替换'));
    expect(replace).toHaveBeenCalledWith(plan.id, { centre_code: centre, inspector: out, reason: '本人生病，无法参加' });
    expect(within(screen.getByTestId(`plan-task-${centre}`)).queryByTestId(`plan-inspector-${centre}-${out}`)).toBeNull();
    await waitFor(() => expect(screen.getByTestId('plan-events').querySelector('[data-kind="replaced"]')?.textContent)
      .toContain('本人生病，无法参加'));

    // Confirm, with a confirmation step.
    await fireEvent.click(screen.getByTestId('plan-confirm'));
    await fireEvent.click(screen.getByTestId('plan-confirm-no'));
    expect(screen.getByTestId('plan-state').textContent).toBe('已抽取');
    await fireEvent.click(screen.getByTestId('plan-confirm'));
    await fireEvent.click(screen.getByTestId('plan-confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('plan-state').textContent).toBe('已确认'));
    expect(screen.queryByTestId(/^plan-replace-/)).toBeNull();
    await waitFor(() => expect(screen.getByTestId(`plan-progress-${centre}`).textContent).toContain('未开始'));
    expect(screen.getByTestId('plan-progress-summary').textContent).toContain(`已签字 0/${tasks.length}`);
    const assigned = (await api.assignments('2026Q4')).filter((a) => a.purpose === 'random');
    expect(new Set(assigned.map((a) => a.centre_code)).size).toBe(tasks.length);
    expect(assigned.some((a) => a.inspector === out && a.centre_code === centre)).toBe(false);
    expect(screen.getByTestId('plan-events').querySelector('[data-kind="confirmed"]')).toBeTruthy();
  });

  it('a pool too small for the draw: the server’s message, the plan stays a draft', async () => {
    const api = new MockApi();
    const plan = await api.createPlan({ name: '人手不足', quarter: '2026Q4', purpose: 'random', county: null,
      criteria: { centre_types: [], statuses: [], skip_inspected_quarters: 0 }, sampling: { count: 1 }, per_task: 4,
      seed: null, pool: [] });
    render(PlanDetail, { props: { id: plan.id, now: NOW }, context: apiContext(api) });
    await fireEvent.click(await screen.findByTestId('plan-draw'));
    await waitFor(() => expect(screen.getByTestId('plan-error').textContent).toContain('needs 4 inspectors and only 3'));
    expect(screen.getByTestId('plan-state').textContent).toBe('草稿');
  });

  it('a confirmed plan of a past quarter shows each task’s inspection and what is overdue', async () => {
    render(PlanDetail, { props: { id: 1, now: NOW }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('plan-progress-130102-001').textContent).toContain('已审核'));
    expect(screen.getByTestId('plan-progress-130104-001').textContent).toContain('已审核');
    expect(screen.getByTestId('plan-progress-130102-102').textContent).toContain('未开始');
    expect(screen.getByTestId('plan-overdue-130102-102').textContent).toBe('逾期');
    expect(screen.queryByTestId('plan-overdue-130102-001')).toBeNull();
    expect(screen.getByTestId('plan-progress-summary').textContent).toBe('已签字 2/3 个任务，逾期 1 个');
    expect(screen.getByTestId('plan-task-130102-001').textContent).toContain('育才社区便民服务中心');
  });
});

describe('manual tasks and coverage', () => {
  it('lists the quarter’s tasks by centre, assigns and cancels', async () => {
    const api = new MockApi();
    render(ManualTasks, { props: { now: NOW }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('assignment-row-130102-101').textContent).toContain('王芳（insp-wang）'));
    expect(screen.getByTestId('assignment-row-130102-101').textContent).toContain('李强（insp-li）');
    expect(screen.queryByTestId('assignment-create-inspector-insp-zhou')).toBeNull();

    await fireEvent.click(screen.getByTestId('assignment-create-submit'));
    expect(screen.getByTestId('assignment-create-error').textContent).toBe('请从列表中选择一个中心。');
    await waitFor(() => expect(document.querySelectorAll('#assignment-centres option').length).toBeGreaterThan(5));
    await fireEvent.input(input('assignment-create-centre'), { target: { value: '130102-102' } });
    await fireEvent.click(screen.getByTestId('assignment-create-submit'));
    expect(screen.getByTestId('assignment-create-error').textContent).toBe('请至少选择一名检查人员。');
    await fireEvent.click(screen.getByTestId('assignment-create-inspector-insp-chen'));
    await fireEvent.change(screen.getByTestId('assignment-create-purpose'), { target: { value: 'follow_up' } });
    await fireEvent.click(screen.getByTestId('assignment-create-submit'));
    await waitFor(() => expect(screen.getByTestId('assignment-row-130102-102').textContent).toContain('复查'));
    expect(screen.getByTestId('assignment-row-130102-102').textContent).toContain('陈静（insp-chen）');

    const made = (await api.assignments('2026Q4')).find((a) => a.centre_code === '130102-102' && a.purpose === 'follow_up')!;
    await fireEvent.click(screen.getByTestId(`assignment-cancel-${made.id}`));
    await fireEvent.click(screen.getByTestId('assignment-cancel-yes'));
    await waitFor(() => expect(screen.getByTestId(`assignment-${made.id}`).textContent).toContain('已取消'));
    expect((await api.assignments('2026Q4')).find((a) => a.id === made.id)!.cancelled).toBe(true);
  });

  it('a centre from the coverage list prefills the form', async () => {
    render(ManualTasks, { props: { now: NOW, centre: '130104-003' }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('assignment-create-picked').textContent).toContain('东里街区生活服务集聚中心'));
  });

  it('counts built centres without a signed inspection this year', async () => {
    render(Coverage, { props: { now: NOW }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('coverage-count').textContent).toContain('1 / 7 个已建成中心今年尚未检查'));
    const rows = screen.getAllByTestId('coverage-row');
    expect(rows.map((r) => r.dataset.centre)).toEqual(['130104-003']);
    expect(screen.getByTestId('coverage-link-130104-003').getAttribute('href')).toBe('#/centre/130104-003');
    expect(screen.getByTestId('coverage-assign-130104-003').getAttribute('href')).toBe('#/plans?tab=tasks&centre=130104-003');
  });

  it('next year nothing is covered yet', async () => {
    render(Coverage, { props: { now: Date.UTC(2027, 1, 1) }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('coverage-count').dataset.missing).toBe('7'));
  });
});

describe('navigation and English', () => {
  it('the nav shows 任务安排 to a supervisor and switches to English', async () => {
    const api = new MockApi();
    navigate('#/plans');
    render(Dashboard, { props: { api } });
    const link = await screen.findByTestId('nav-plans');
    expect(link.textContent).toBe('任务安排');
    await waitFor(() => expect(screen.getByTestId('plan-row-2').textContent).toContain('已抽取'));
    expect(screen.getByTestId('plans-tab-plans').textContent).toBe('抽查计划');
    await fireEvent.click(screen.getByTestId('lang-switch'));
    expect(screen.getByTestId('nav-plans').textContent).toBe('Assignments');
    expect(screen.getByTestId('plans-tab-coverage').textContent).toBe('Coverage');
    expect(screen.getByTestId('plan-row-2').textContent).toContain('Drawn');
    expect(screen.getByTestId('plan-row-1').textContent).toContain('Confirmed');
    expect(screen.getByText('Created by / at')).toBeTruthy();
  });

  it('the plan page in English', async () => {
    setLang('en');
    render(PlanDetail, { props: { id: 2, now: NOW }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getByTestId('plan-state').textContent).toBe('Drawn'));
    expect(screen.getByTestId('plan-confirm').textContent).toBe('Confirm plan');
    expect(screen.getByText('Draw record')).toBeTruthy();
    expect(screen.getAllByTestId(/^plan-replace-/)[0].textContent).toBe('Replace');
    expect(screen.getByTestId('plan-criteria').textContent).toContain('30% per stratum (rounded up)');
  });

  it('an inspector has no plans link', async () => {
    const api = new MockApi();
    api.me = async () => ({ ...SUPERVISOR, role: 'inspector' });
    navigate('#/inspections');
    render(Dashboard, { props: { api } });
    await screen.findByTestId('nav-centres');
    expect(screen.queryByTestId('nav-plans')).toBeNull();
  });
});
