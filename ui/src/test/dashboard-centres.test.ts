// The plan norms of 商服贸函〔2018〕157号 三(二), per community a centre serves:
// the registry's chips and the centre page's table. The 10% norm is for new
// communities only (an existing one shows 不适用, not a fail); a missing
// figure is neutral (缺数据), never a fail.
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import type { CommunityNorms } from '../lib/server-types.gen';
import { MockApi } from '../dashboard/api-mock';
import { communityNorms, MOCK_COMMUNITIES } from '../dashboard/api-mock-registry';
import CentrePage from '../dashboard/pages/CentrePage.svelte';
import Centres from '../dashboard/pages/Centres.svelte';
import { apiContext } from '../dashboard/session.svelte';

beforeEach(() => setLang('zh-CN'));
afterEach(() => cleanup());

const squash = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
const cells = (tr: Element) => [...tr.querySelectorAll('td')].map(squash);
const chips = (el: Element) => [...el.querySelectorAll('[data-norm]')].map((c) => (c as HTMLElement).dataset.norm);

describe('the mock computes norms as the server does', () => {
  it('东关社区 meets both; 谈固社区 is under 10%; 维明社区 is existing and under 30 m²', () => {
    const [dongguan, tangu, weiming] = MOCK_COMMUNITIES.map(communityNorms);
    expect(dongguan).toMatchObject({ name: '东关社区', is_new: true, facility_ratio: 0.104, ratio_ok: true,
      service_per_100_households_m2: 32.14, per_100_ok: true });
    expect(tangu).toMatchObject({ name: '谈固社区', facility_ratio: 0.085, ratio_ok: false, service_per_100_households_m2: 33.33, per_100_ok: true });
    expect(weiming).toMatchObject({ name: '维明社区', is_new: false, facility_ratio: null, ratio_ok: null,
      service_per_100_households_m2: 24.44, per_100_ok: false });
  });
});

describe('the registry', () => {
  it('shows each community the centre serves with its two chips, and — for none', async () => {
    render(Centres, { props: { query: new URLSearchParams() }, context: apiContext(new MockApi()) });
    await waitFor(() => expect(screen.getAllByTestId('registry-row').length).toBeGreaterThan(5));
    const row = (code: string) => screen.getAllByTestId('registry-row').find((r) => r.dataset.centre === code)!;

    const dongguan = within(row('130102-001')).getByTestId('registry-community');
    expect(dongguan.dataset.community).toBe('130102-S01');
    expect(squash(dongguan)).toBe('东关社区 设施面积占比≥10%：✓ 每百户综合服务设施≥30㎡：✓');
    expect(chips(dongguan)).toEqual(['ok', 'ok']);
    expect(dongguan.querySelector('[data-norm]')!.getAttribute('title')).toContain('10.4%');

    expect(chips(within(row('130102-002')).getByTestId('registry-community'))).toEqual(['fail', 'ok']);

    const weiming = within(row('130104-001')).getByTestId('registry-community');
    expect(squash(weiming)).toBe('维明社区 设施面积占比≥10%：不适用（既有社区） 每百户综合服务设施≥30㎡：✗');
    expect(chips(weiming)).toEqual(['na', 'fail']);

    expect(within(row('130104-002')).queryByTestId('registry-community')).toBeNull();
    expect(row('130104-002').lastElementChild!.textContent!.trim()).toBe('—');
  });

  it('a centre serving two communities lists both', async () => {
    const api = new MockApi();
    const real = api.registry.bind(api);
    const second: CommunityNorms = { code: '130102-S09', name: '建北社区', is_new: false, facility_ratio: null, ratio_ok: null,
      service_per_100_households_m2: null, per_100_ok: null };
    vi.spyOn(api, 'registry').mockImplementation(async (q) => {
      const p = await real(q);
      return { ...p, items: p.items.map((r) => (r.centre.code === '130102-001' ? { ...r, norms: [...r.norms, second] } : r)) };
    });
    render(Centres, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    await waitFor(() => expect(screen.getAllByTestId('registry-row').length).toBeGreaterThan(5));
    const row = screen.getAllByTestId('registry-row').find((r) => r.dataset.centre === '130102-001')!;
    const communities = within(row).getAllByTestId('registry-community');
    expect(communities.map((c) => c.dataset.community)).toEqual(['130102-S01', '130102-S09']);
    expect(chips(communities[1])).toEqual(['na', 'missing']);
    expect(squash(communities[1])).toContain('缺数据');
  });
});

describe('a centre’s page', () => {
  async function open(code: string, api = new MockApi()) {
    render(CentrePage, { props: { code }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('centre-norms')).toBeTruthy());
  }

  it('a table of its communities: new or existing, the facility share and the service facilities per 100 households', async () => {
    await open('130102-002');
    const norms = screen.getByTestId('centre-norms');
    expect(norms.textContent).toContain('三(二)');
    expect(norms.textContent).not.toContain('二(一)');
    const head = [...norms.querySelectorAll('th')].map((th) => th.textContent!.trim());
    expect(head).toEqual(['社区', '新建/既有', '设施面积占比（≥10%，新建社区）', '每百户综合服务设施（≥30㎡）']);
    const row = screen.getByTestId('norms-row');
    expect(row.dataset.community).toBe('130102-S02');
    expect(cells(row)).toEqual(['谈固社区130102-S02', '新建社区', '8.5% ✗ 未达标', '33.33 平方米 ✓ 达标']);
    expect(chips(row)).toEqual(['fail', 'ok']);
  });

  it('an existing community: the 10% norm does not apply (not a fail)', async () => {
    await open('130104-001');
    const row = screen.getByTestId('norms-row');
    expect(squash(within(row).getByTestId('norms-ratio'))).toBe('不适用（既有社区）');
    expect(squash(within(row).getByTestId('norms-per100'))).toBe('24.44 平方米 ✗ 未达标');
    expect(chips(row)).toEqual(['na', 'fail']);
  });

  it('a missing figure is shown neutrally; no community on record says so', async () => {
    const api = new MockApi();
    const real = api.centreOverview.bind(api);
    vi.spyOn(api, 'centreOverview').mockImplementation(async (code) => ({ ...(await real(code)),
      norms: [{ code: 'X1', name: '裕华社区', is_new: true, facility_ratio: null, ratio_ok: null, service_per_100_households_m2: null,
        per_100_ok: null }] }));
    await open('130102-001', api);
    const row = screen.getByTestId('norms-row');
    expect(cells(row)).toEqual(['裕华社区X1', '新建社区', '— 缺数据', '— 缺数据']);
    expect(chips(row)).toEqual(['missing', 'missing']);
    cleanup();

    await open('130102-101');
    expect(screen.getByTestId('norms-none').textContent).toContain('尚未登记本中心服务的社区');
    expect(screen.queryByTestId('norms-table')).toBeNull();
  });

  it('in English', async () => {
    setLang('en');
    await open('130104-001');
    const row = screen.getByTestId('norms-row');
    expect(cells(row)).toEqual(['维明社区130104-S01', 'Existing', 'n/a (existing community)', '24.44 m² ✗ not met']);
    expect(screen.getByTestId('centre-norms').textContent).toContain('section 三(二)');
  });
});
