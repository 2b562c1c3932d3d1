// 修改中心登记: an administrator corrects a centre's position in the map datum
// it was taken from; the server's problems are listed; others see no form.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { ApiError } from '../dashboard/api';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import CentrePage from '../dashboard/pages/CentrePage.svelte';
import { apiContext, session } from '../dashboard/session.svelte';

const CODE = '130104-003';
beforeEach(() => setLang('zh-CN'));
afterEach(() => { cleanup(); vi.restoreAllMocks(); });

async function mount(user: typeof ADMINISTRATOR) {
  session.user = { ...user };
  const api = new MockApi({ user });
  render(CentrePage, { props: { code: CODE }, context: apiContext(api) });
  await waitFor(() => screen.getByTestId('centre-position'));
  return api;
}

describe('the centre registration form', () => {
  it('saves a position taken from a GCJ-02 map and shows the datum', async () => {
    const api = await mount(ADMINISTRATOR);
    const save = vi.spyOn(api, 'saveCentre');
    await fireEvent.click(screen.getByTestId('centre-edit'));
    await fireEvent.input(screen.getByTestId('cf-lat'), { target: { value: '38.0392' } });
    await fireEvent.input(screen.getByTestId('cf-lon'), { target: { value: '114.5091' } });
    await fireEvent.change(screen.getByTestId('cf-datum'), { target: { value: 'gcj02' } });
    await fireEvent.change(screen.getByTestId('cf-zone'), { target: { value: 'west' } });
    await fireEvent.click(screen.getByTestId('cf-save'));
    await waitFor(() => expect(screen.queryByTestId('centre-form')).toBeNull());
    const fields = save.mock.calls[0]![1];
    expect([fields.lat, fields.lon, fields.datum, fields.zone, fields.code]).toEqual(['38.0392', '114.5091', 'gcj02', 'west', CODE]);
    expect(screen.getByTestId('centre-datum').textContent).toContain('GCJ-02');
    expect(screen.getByTestId('centre-zone').textContent).toContain('西部');
  });

  it('lists every problem the server found', async () => {
    const api = await mount(ADMINISTRATOR);
    const refused = new ApiError(422, 'invalid', '2 problems; nothing was saved');
    refused.details = ['line 1: `lat` is not a number: `abc`', 'line 1: `geofence_m` must be between 10 and 10000 metres'];
    vi.spyOn(api, 'saveCentre').mockRejectedValueOnce(refused);
    await fireEvent.click(screen.getByTestId('centre-edit'));
    await fireEvent.click(screen.getByTestId('cf-save'));
    const errors = await waitFor(() => screen.getByTestId('cf-errors'));
    expect(errors.textContent).toContain('`lat` is not a number');
    expect(errors.textContent).toContain('between 10 and 10000');
    expect(screen.getByTestId('centre-form')).toBeTruthy();
  });

  it('offers no form to a supervisor', async () => {
    await mount(SUPERVISOR);
    expect(screen.queryByTestId('centre-edit')).toBeNull();
  });
});
