// 经营数据核实 on the report: the inspection's figures beside the centre's
// own report of the same period, a deviation past the threshold flagged.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { MockApi } from '../dashboard/api-mock';
import SpotCheckSection from '../dashboard/pages/SpotCheckSection.svelte';
import { apiContext } from '../dashboard/session.svelte';
import type { SpotCheck } from '../lib/server-types.gen';

beforeEach(() => setLang('zh-CN'));
afterEach(() => cleanup());

const CHECK: SpotCheck = {
  period: '2026Q3', threshold: 0.2,
  reported: { centre_code: 'C1', period: '2026Q3', version: 2, turnover_wan: 100, visits: 5000, staff: 6, merchants: 4,
    ledger_photo: null, note: '', warnings: [], reported_by: 'op-b01', reported_at: 1 },
  rows: [
    { figure: 'turnover', reported: 100, observed: 130, deviation: 0.3, flagged: true },
    { figure: 'visits', reported: 5000, observed: 5300, deviation: 0.06, flagged: false },
    { figure: 'staff', reported: 6, observed: null, deviation: null, flagged: false },
    { figure: 'merchants', reported: 4, observed: null, deviation: null, flagged: false },
  ],
};

describe('figures check', () => {
  it('shows both figures and flags the deviation past the threshold', async () => {
    const api = new MockApi();
    vi.spyOn(api, 'spotCheck').mockResolvedValue(CHECK);
    render(SpotCheckSection, { props: { doc: 'automerge:x' }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('spot-check')).toBeTruthy());
    expect(screen.getByText('经营数据核实（统计期 2026Q3）')).toBeTruthy();
    const turnover = screen.getByTestId('spot-row-turnover');
    expect(turnover.dataset.flagged).toBe('true');
    expect(turnover.textContent).toContain('+30%');
    expect(turnover.textContent).toContain('需核实');
    expect(screen.getByTestId('spot-row-visits').dataset.flagged).toBe('false');
    expect(screen.getByText(/第2版（op-b01）/)).toBeTruthy();
  });

  it('stays away when neither side has figures', async () => {
    const api = new MockApi();
    const empty = { ...CHECK, reported: null, rows: CHECK.rows.map((r) => ({ ...r, reported: null, observed: null, deviation: null, flagged: false })) };
    const asked = vi.spyOn(api, 'spotCheck').mockResolvedValue(empty);
    render(SpotCheckSection, { props: { doc: 'automerge:x' }, context: apiContext(api) });
    await waitFor(() => expect(asked).toHaveBeenCalled());
    expect(screen.queryByTestId('spot-check')).toBeNull();
  });
});
