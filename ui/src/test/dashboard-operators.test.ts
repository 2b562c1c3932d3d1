// Centre operators (运营主体): their own page (figures of the period due,
// warnings confirmed before sending, rectification feedback) and the
// supervisor's view of who reported, with new operator accounts.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { MockApi } from '../dashboard/api-mock';
import { OPERATOR } from '../dashboard/api-mock-operators';
import { previousQuarter, shiftQuarter } from '../dashboard/quarters';
import OperatorHome from '../dashboard/pages/operator/OperatorHome.svelte';
import Figures from '../dashboard/pages/operator/Figures.svelte';
import { apiContext } from '../dashboard/session.svelte';

beforeEach(() => setLang('zh-CN'));
afterEach(() => cleanup());

const CODE = '130102-001';

async function fill(form: HTMLElement, values: [string, string][]) {
  for (const [id, v] of values) await fireEvent.input(within(form).getByTestId(id), { target: { value: v } });
}

describe('operator page', () => {
  it('shows the period due, queries a doubling and sends it only once confirmed', async () => {
    const api = new MockApi({ user: OPERATOR });
    const sent = vi.spyOn(api, 'reportFigures');
    render(OperatorHome, { context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId(`op-centre-${CODE}`)).toBeTruthy());
    const due = previousQuarter();
    expect(screen.getByTestId(`op-due-${CODE}`).textContent).toContain('未填报');
    expect(screen.getByTestId(`op-due-${CODE}`).textContent).toContain(`${due.slice(0, 4)}年第`);

    const form = screen.getByTestId(`figures-form-${CODE}`);
    // Last period: 18.6 万元 and 3,100 people; now 40 万元 and no staff.
    await fill(form, [['figures-turnover', '40'], ['figures-visits', '3200'], ['figures-staff', '0'], ['figures-merchants', '2']]);
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    await waitFor(() => expect(within(form).getAllByTestId('figures-warning')).toHaveLength(3));
    const said = within(form).getAllByTestId('figures-warning').map((w) => w.textContent);
    expect(said[0]).toContain('营业额（万元）较');
    expect(said).toContain('有营业额但员工数量为0，请核实');
    expect(sent).not.toHaveBeenCalled();

    await fireEvent.click(within(form).getByTestId('figures-confirm'));
    await waitFor(() => expect(within(form).getByTestId('figures-done')).toBeTruthy());
    expect(sent).toHaveBeenCalledWith(expect.objectContaining({ period: due, turnover_wan: 40, staff: 0, confirmed: true }));
    await waitFor(() => expect(screen.getByTestId(`op-due-${CODE}`).textContent).toContain('已填报（第1版）'));
  });

  it('refuses figures that are not whole numbers without asking the server', async () => {
    const api = new MockApi({ user: OPERATOR });
    const asked = vi.spyOn(api, 'checkFigures');
    render(OperatorHome, { context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId(`figures-form-${CODE}`)).toBeTruthy());
    const form = screen.getByTestId(`figures-form-${CODE}`);
    await fill(form, [['figures-turnover', '10'], ['figures-visits', '3.5'], ['figures-staff', '2'], ['figures-merchants', '1']]);
    await fireEvent.click(within(form).getByTestId('figures-submit'));
    expect(within(form).getByTestId('figures-error').textContent).toContain('整数');
    expect(asked).not.toHaveBeenCalled();
  });
});

describe('supervisor figures page', () => {
  it('counts who reported the period and lists the rest as missing', async () => {
    const api = new MockApi();
    const due = previousQuarter();
    render(Figures, { props: { query: new URLSearchParams(`period=${due}`) }, context: apiContext(api) });
    await waitFor(() => expect(screen.getAllByTestId('coverage-row').length).toBeGreaterThan(1));
    const rows = screen.getAllByTestId('coverage-row');
    const reported = rows.filter((r) => r.dataset.reported === 'yes');
    expect(reported.map((r) => r.dataset.centre)).toEqual(['130104-001']);
    expect(screen.getByTestId('coverage-counts').textContent).toBe(`应报 ${rows.length} 个，已报 1 个，未报 ${rows.length - 1} 个`);
    expect(shiftQuarter(due, 1) > due).toBe(true);
  });

  it('creates an operator account for the chosen centres', async () => {
    const api = new MockApi();
    const created = vi.spyOn(api, 'createOperator');
    render(Figures, { props: { query: new URLSearchParams() }, context: apiContext(api) });
    const form = await screen.findByTestId('operator-create');
    await waitFor(() => expect(within(form).getAllByRole('option').length).toBeGreaterThan(1));
    await fireEvent.input(within(form).getByTestId('operator-username'), { target: { value: 'op-new' } });
    await fireEvent.input(within(form).getByTestId('operator-name'), { target: { value: '新运营公司' } });
    await fireEvent.input(within(form).getByTestId('operator-password'), { target: { value: 'yunying-2026-op' } });
    const select = within(form).getByTestId('operator-centres') as HTMLSelectElement;
    select.options[0].selected = true;
    await fireEvent.change(select);
    await fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByTestId('operator-created').textContent).toContain('op-new'));
    expect(created).toHaveBeenCalledWith({ username: 'op-new', display_name: '新运营公司', password: 'yunying-2026-op',
      centres: [select.options[0].value] });
    expect(screen.getAllByTestId('operator-row').map((r) => r.textContent)).toEqual(expect.arrayContaining([expect.stringContaining('op-new')]));
  });
});
