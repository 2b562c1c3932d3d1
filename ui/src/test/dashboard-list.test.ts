import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { queryString } from '../dashboard/api';
import { MockApi } from '../dashboard/api-mock';
import { readFilters, writeFilters } from '../dashboard/filters';
import Inspections from '../dashboard/pages/Inspections.svelte';
import { navigate, router } from '../dashboard/router.svelte';
import { apiContext } from '../dashboard/session.svelte';

// The page reads its filters from the hash; re-render with router.route's query as the Dashboard does.
async function mountList(api = new MockApi(), hash = '#/inspections') {
  navigate(hash);
  const spy = vi.spyOn(api, 'inspections');
  const queryOf = () => (router.route.name === 'inspections' ? router.route.query : new URLSearchParams());
  const r = render(Inspections, { props: { query: queryOf() }, context: apiContext(api) });
  const rerender = () => r.rerender({ query: queryOf() });
  await waitFor(() => expect(screen.getByTestId('page-info')).toBeTruthy());
  return { api, spy, rerender };
}

beforeEach(() => { setLang('zh-CN'); history.replaceState(null, '', '#/inspections'); });

describe('inspection list', () => {
  it('query strings: empty values left out, flags comma-separated', () => {
    expect(queryString({ quarter: '2026Q4', city: '', flag: ['conflicts', 'veto'], page: 2, grade: undefined }))
      .toBe('?quarter=2026Q4&flag=conflicts%2Cveto&page=2');
    const f = readFilters(new URLSearchParams('quarter=2026Q3&flag=veto,bogus&flag=conflicts&sort=total&order=asc&page=3'));
    expect(f).toEqual({ quarter: '2026Q3', flag: ['veto', 'conflicts'], sort: 'total', order: 'asc', page: 3, per_page: 50 });
    expect(writeFilters(f)).toMatchObject({ quarter: '2026Q3', flag: 'veto,conflicts', sort: 'total', order: 'asc', page: '3' });
  });

  it('a task nobody has worked on says so, without the score the registry alone gives', async () => {
    const api = new MockApi();
    const page = await api.inspections({});
    const row = { ...page.items[0], status: 'draft' as const, change_count: 1, total: 0, grade: 'fail' as const, on_site: 'no_fix' as const };
    vi.spyOn(api, 'inspections').mockResolvedValue({ ...page, items: [row], total: 1 });
    navigate('#/inspections');
    render(Inspections, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('not-started').textContent).toBe('未开始'));
    const shown = screen.getByTestId('inspection-row').textContent ?? '';
    expect(shown).not.toContain('0.0');
    expect(shown).not.toContain('不合格');
  });

  it('shows rows with centre, status, score and flags', async () => {
    await mountList();
    await waitFor(() => expect(screen.getAllByTestId('inspection-row')).toHaveLength(12));
    const rows = screen.getAllByTestId('inspection-row');
    expect(rows).toHaveLength(12);
    const returned = rows.find((r) => r.dataset.doc === 'automerge:4Kp2VnEc5RdJ')!;
    expect(returned.dataset.centre).toBe('130102-102');
    expect(returned.textContent).toContain('南豆村村级生活综合服务站');
    expect(returned.textContent).toContain('已退回');
    expect(returned.textContent).toContain('未现场核验');
    expect(screen.getByTestId('page-info').textContent).toBe('第 1 / 1 页');
  });

  it('a filter change calls the api with the right query and resets to page 1', async () => {
    const { spy, rerender } = await mountList(new MockApi(), '#/inspections?page=2&sort=updated');
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2 }));

    await fireEvent.change(screen.getByTestId('filter-quarter'), { target: { value: '2026Q4' } });
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ quarter: '2026Q4', page: 1, per_page: 50 })));
    expect(location.hash).toContain('quarter=2026Q4');
    expect(location.hash).not.toContain('page=');

    await fireEvent.click(screen.getByTestId('flag-not_verified'));
    rerender();
    await fireEvent.click(screen.getByTestId('flag-missing_evidence'));
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(
      expect.objectContaining({ quarter: '2026Q4', flag: ['not_verified', 'missing_evidence'], page: 1 })));
    await waitFor(() => expect(screen.getAllByTestId('inspection-row').map((r) => r.dataset.centre).sort())
      .toEqual(['130102-102', '130104-001', '130104-003']));

    await fireEvent.click(screen.getByTestId('sort-total'));
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'total', order: 'desc', page: 1 })));
    await fireEvent.click(screen.getByTestId('sort-total'));
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'total', order: 'asc' })));

    await fireEvent.change(screen.getByTestId('filter-type'), { target: { value: 'community' } });
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'community', flag: ['not_verified', 'missing_evidence'] })));
  });

  it('pages forward and back', async () => {
    const api = new MockApi();
    // 12 inspections at 5 a page: three pages.
    const real = api.inspections.bind(api);
    api.inspections = (q) => real({ ...q, per_page: 5 });
    const { spy, rerender } = await mountList(api);
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('第 1 / 3 页'));
    expect(screen.getAllByTestId('inspection-row')).toHaveLength(5);
    await fireEvent.click(screen.getByTestId('page-next'));
    rerender();
    // The next page is asked for by the token of the last row shown.
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2, after: 'p2' })));
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('第 2 / 3 页'));
    await fireEvent.click(screen.getByTestId('page-next'));
    rerender();
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('第 3 / 3 页'));
    expect(screen.getAllByTestId('inspection-row')).toHaveLength(2);
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('page-prev'));
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2, before: 'p2' })));
    // A filter chosen on a deep page starts again from the first, with no token.
    await fireEvent.click(screen.getByTestId('sort-total'));
    rerender();
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ page: 1, sort: 'total' })));
    expect(spy.mock.lastCall?.[0]).not.toHaveProperty('after');
    expect(spy.mock.lastCall?.[0]).not.toHaveProperty('before');
  });

  it('a count the server stopped short of says so, and pages on by its links alone', async () => {
    const api = new MockApi();
    const real = api.inspections.bind(api);
    api.inspections = async (q) => ({ ...(await real({ ...q, per_page: 5 })), total: 10000, total_exact: false });
    await mountList(api);
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('第 1 页'));
    expect(document.body.textContent).toContain('共 10,000+ 条');
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(false);
  });

  it('export links carry the current filters', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'inspectionsExport');
    await mountList(api, '#/inspections?quarter=2026Q4&flag=veto');
    expect(spy).toHaveBeenCalledWith('csv', expect.objectContaining({ quarter: '2026Q4', flag: ['veto'] }));
    expect(screen.getByTestId('export-geojson').getAttribute('href')).toContain('export-inspections.geojson');
  });
});
