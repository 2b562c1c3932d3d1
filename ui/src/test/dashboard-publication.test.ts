// Publication of a confirmed plan's results (结果公示, 一公开) against MockApi:
// an administrator publishes, a correction (更正) is refused without a reason
// (更正说明) and published with one; nothing to publish before an approved
// result; a supervisor sees the versions and the public page but no publish
// controls; drafts and drawn plans have no 结果公示; links to the public pages.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { ApiError } from '../dashboard/api';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import Dashboard from '../dashboard/Dashboard.svelte';
import { navigate } from '../dashboard/router.svelte';
import { apiContext, session } from '../dashboard/session.svelte';
import PlanDetail from '../dashboard/pages/plans/PlanDetail.svelte';
import Plans from '../dashboard/pages/plans/Plans.svelte';

const NOW = Date.UTC(2026, 10, 20, 4); // 2026-11-20, in 2026Q4
// Seeded (api-mock-plans.ts): plan 1 confirmed (2026Q3, two tasks with approved results), plan 2 drawn (2027Q1).
const CONFIRMED = 1;
const REASON = '复核后更正友谊社区便民服务中心的审核日期';

beforeEach(() => {
  setLang('zh-CN');
  session.user = { ...SUPERVISOR };
  history.replaceState(null, '', '#/plans');
  localStorage.clear();
});

function asAdministrator() {
  session.user = { ...ADMINISTRATOR };
  return new MockApi({ user: ADMINISTRATOR });
}

async function planPage(api: MockApi, id = CONFIRMED) {
  render(PlanDetail, { props: { id, now: NOW }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('plan-state')).toBeTruthy());
}

describe('结果公示 on a confirmed plan', () => {
  it('an administrator publishes, then a correction needs a reason', async () => {
    const api = asAdministrator();
    const publish = vi.spyOn(api, 'publish');
    await planPage(api);
    const section = await screen.findByTestId('plan-publication');
    expect(within(section).getByText('结果公示')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('publication-none').textContent).toBe('尚未发布公示。'));
    const link = screen.getByTestId('publication-public-link');
    expect(link.textContent).toBe('查看公示页面');
    expect(link.getAttribute('href')).toBe('/public/plans/1');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(screen.queryByTestId('publication-reason')).toBeNull();

    // The first version.
    expect(screen.getByTestId('publication-publish').textContent!.trim()).toBe('发布公示');
    await fireEvent.click(screen.getByTestId('publication-publish'));
    await waitFor(() => expect(screen.getByTestId('publication-version-1')).toBeTruthy());
    expect(publish).toHaveBeenLastCalledWith(CONFIRMED, {});
    expect(screen.getByTestId('publication-done').textContent).toBe('已发布第1版公示。');
    const v1 = screen.getByTestId('publication-version-1');
    expect(v1.textContent).toContain('第1版');
    expect(v1.textContent).toContain('首次公示');
    expect(v1.textContent).toContain('admin-hebei');
    const head = screen.getByTestId('publication-versions').querySelector('thead')!.textContent!;
    for (const w of ['版本', '公示日期', '更正说明', '发布人']) expect(head).toContain(w);
    expect(screen.queryByTestId('publication-publish')).toBeNull();
    const rows = screen.getByTestId('publication-rows');
    expect(rows.textContent).toContain('育才社区便民服务中心');
    expect(rows.textContent).toContain('友谊社区便民服务中心');
    expect(rows.textContent).not.toContain('insp-');

    // A correction without a reason: refused on the page, nothing sent; the server refuses too.
    await fireEvent.click(screen.getByTestId('publication-correct'));
    expect(screen.getByTestId('publication-error').textContent).toBe('请填写更正说明。');
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('publication-error'));
    expect(publish).toHaveBeenCalledTimes(1);
    await expect(api.publish(CONFIRMED, { reason: '  ' })).rejects.toMatchObject({ status: 422 });
    // The server's refusal, should the page let one through, is shown inline too.
    publish.mockRejectedValueOnce(new ApiError(422, 'invalid', 'a correction says why (更正说明)'));
    await fireEvent.input(screen.getByTestId('publication-reason'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('publication-correct'));
    await waitFor(() => expect(screen.getByTestId('publication-error').textContent).toBe('请填写更正说明。'));
    expect(screen.queryByTestId('publication-version-2')).toBeNull();

    // With a reason: version 2, its reason shown.
    await fireEvent.input(screen.getByTestId('publication-reason'), { target: { value: `  ${REASON}  ` } });
    await fireEvent.click(screen.getByTestId('publication-correct'));
    await waitFor(() => expect(screen.getByTestId('publication-version-2')).toBeTruthy());
    expect(publish).toHaveBeenLastCalledWith(CONFIRMED, { reason: REASON });
    expect(screen.getByTestId('publication-reason-2').textContent).toBe(REASON);
    expect(screen.getByTestId('publication-version-2').textContent).toContain('当前版本');
    expect(screen.getByTestId('publication-done').textContent).toBe('已发布第2版公示。');
    expect(screen.queryByTestId('publication-error')).toBeNull();
    expect((screen.getByTestId('publication-reason') as HTMLTextAreaElement).value).toBe('');
    // Newest first.
    expect([...screen.getByTestId('publication-versions').querySelectorAll('[data-testid^="publication-version-"]')]
      .map((r) => (r as HTMLElement).dataset.testid)).toEqual(['publication-version-2', 'publication-version-1']);
    const stored = await api.publications(CONFIRMED);
    expect(stored.map((p) => [p.version, p.reason])).toEqual([[1, ''], [2, REASON]]);
  });

  it('nothing approved yet: the first publication is refused with the reason', async () => {
    const api = asAdministrator();
    await api.confirmPlan(2);
    await planPage(api, 2);
    await fireEvent.click(await screen.findByTestId('publication-publish'));
    await waitFor(() => expect(screen.getByTestId('publication-error').textContent).toBe('本计划还没有审核通过的检查结果，暂不能发布公示。'));
    expect(await api.publications(2)).toEqual([]);
  });

  it('a supervisor sees the versions and the public page, no publish controls', async () => {
    const api = new MockApi();
    api.user = { ...ADMINISTRATOR };
    await api.publish(CONFIRMED, {});
    api.user = { ...SUPERVISOR };
    await expect(api.publish(CONFIRMED, { reason: '督导人员试图更正' })).rejects.toMatchObject({ status: 403 });
    await planPage(api);
    await waitFor(() => expect(screen.getByTestId('publication-version-1')).toBeTruthy());
    expect(screen.getByTestId('publication-public-link').getAttribute('href')).toBe('/public/plans/1');
    expect(screen.queryByTestId('publication-publish')).toBeNull();
    expect(screen.queryByTestId('publication-reason')).toBeNull();
    expect(screen.queryByTestId('publication-correct')).toBeNull();
    expect(screen.getByTestId('publication-admin-only').textContent).toContain('由管理员发布');
  });

  it('a drawn plan has no 结果公示 and asks for none', async () => {
    const api = asAdministrator();
    const asked = vi.spyOn(api, 'publications');
    await planPage(api, 2);
    await waitFor(() => expect(screen.getByTestId('plan-confirm')).toBeTruthy());
    expect(screen.queryByTestId('plan-publication')).toBeNull();
    expect(asked).not.toHaveBeenCalled();
    await expect(api.publish(2, {})).rejects.toMatchObject({ status: 409 });
  });

  it('in English', async () => {
    setLang('en');
    const api = asAdministrator();
    await planPage(api);
    await waitFor(() => expect(screen.getByTestId('publication-publish').textContent!.trim()).toBe('Publish the results'));
    expect(screen.getByText('Published results')).toBeTruthy();
    expect(screen.getByTestId('publication-public-link').textContent).toBe('Open the public page');
    await fireEvent.click(screen.getByTestId('publication-publish'));
    await waitFor(() => expect(screen.getByTestId('publication-version-1').textContent).toContain('Version 1'));
    expect(screen.getByTestId('publication-correct').textContent!.trim()).toBe('Publish the correction');
  });
});

describe('links to the public pages', () => {
  it('the plans page and the top bar link the public index', async () => {
    const api = new MockApi();
    render(Plans, { props: { query: new URLSearchParams(), now: NOW }, context: apiContext(api) });
    const link = screen.getByTestId('plans-public-link');
    expect(link.textContent).toBe('公示页面');
    expect(link.getAttribute('href')).toBe('/public');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('everyone signed in has the link, inspectors too', async () => {
    const api = new MockApi();
    api.me = async () => ({ ...SUPERVISOR, role: 'inspector' });
    navigate('#/inspections');
    render(Dashboard, { props: { api } });
    const link = await screen.findByTestId('nav-public');
    expect(link.getAttribute('href')).toBe('/public');
    expect(link.textContent).toBe('公示页面');
  });
});
