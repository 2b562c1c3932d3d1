import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../app/App.svelte';
import { MockBackend } from '../lib/backend-mock';
import { setLang } from '../lib/i18n';
import { DRAFT } from './helpers';

beforeEach(() => { setLang('zh-CN'); location.hash = ''; });
afterEach(() => { location.hash = ''; });

async function fill(id: string, value: string) {
  await fireEvent.input(screen.getByTestId(id), { target: { value } });
}

describe('first run', () => {
  it('explains an unreachable server and a wrong password, then enrols', async () => {
    const b = new MockBackend({ enrolled: false });
    render(App, { props: { backend: b } });
    await waitFor(() => screen.getByTestId('setup-submit'));
    expect((screen.getByTestId('setup-device') as HTMLInputElement).value).toBe('巡查手机');
    await fill('setup-server', 'http://offline.invalid:8080');
    await fill('setup-username', 'insp-wang');
    await fill('setup-password', 'secret');
    await fireEvent.click(screen.getByTestId('setup-submit'));
    await waitFor(() => expect(screen.getByTestId('setup-error').textContent).toContain('请检查服务器地址'));
    await fill('setup-server', 'http://192.168.1.10:8080');
    await fill('setup-password', 'wrong');
    await fireEvent.click(screen.getByTestId('setup-submit'));
    await waitFor(() => expect(screen.getByTestId('setup-error').textContent).toContain('用户名或密码不对'));
    await fill('setup-password', 'secret');
    await fireEvent.click(screen.getByTestId('setup-submit'));
    await waitFor(() => expect(location.hash).toBe('#/centres'));
    expect(b.me?.username).toBe('insp-wang');
  });
});

describe('inspector app', () => {
  it('stores the language choice through the backend', async () => {
    const b = new MockBackend();
    render(App, { props: { backend: b } });
    await waitFor(() => screen.getByTestId('centre-card-130102-102'));
    await fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(b.language).toBe('en'));
    expect(screen.getByTestId('tab-centres').textContent).toBe('My inspections');
  });

  it('lists centres grouped by township and filters by search', async () => {
    render(App, { props: { backend: new MockBackend() } });
    await waitFor(() => screen.getByTestId('centre-card-130102-001'));
    expect(screen.getByText('建北街道')).toBeTruthy();
    expect(screen.getByText('西兆通镇')).toBeTruthy();
    expect(screen.getByTestId('centre-card-130102-103').textContent).toContain('待同步下载');
    await fill('search', '南豆');
    expect(screen.queryByTestId('centre-card-130102-001')).toBeNull();
    expect(screen.getByTestId('centre-card-130102-102')).toBeTruthy();
  });

  it('a centre shows its last official result from the server, whoever inspected it', async () => {
    render(App, { props: { backend: new MockBackend() } });
    await waitFor(() => screen.getByTestId('centre-card-130102-101'));
    await fireEvent.click(screen.getByTestId('centre-card-130102-101'));
    const official = await waitFor(() => screen.getByTestId('centre-official'));
    expect(official.textContent).toContain('86.5');
    expect(official.textContent).toContain('2025年第一季度 · 已通过');
  });

  it('signs off after a confirmation that lists what is missing', async () => {
    const b = new MockBackend();
    const sign = vi.spyOn(b, 'signOff');
    location.hash = `#/inspection/${DRAFT}`;
    render(App, { props: { backend: b } });
    await waitFor(() => screen.getByTestId('sign-off'));
    await fireEvent.click(screen.getByTestId('sign-off'));
    expect(screen.getByRole('dialog').textContent).toContain('缺少必需的照片');
    expect(sign).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('sign-off-confirm'));
    await waitFor(() => expect(screen.getByTestId('stage').textContent).toBe('已签字'));
    expect(sign).toHaveBeenCalledWith(DRAFT);
    expect((screen.getByTestId('answer-facilities.fire-yes') as HTMLButtonElement).disabled).toBe(true);
  });

  it('saves general notes and records a manual position', async () => {
    const b = new MockBackend();
    const fresh = 'doc-001-2025q2'; // no position recorded yet
    location.hash = `#/inspection/${fresh}`;
    render(App, { props: { backend: b } });
    await waitFor(() => screen.getByTestId('general-notes'));
    expect(screen.getByTestId('score-onsite').textContent).toContain('还没有定位');
    await fill('general-notes', '整体良好');
    await waitFor(() => expect(screen.getByTestId('saved-indicator').textContent).toContain('已保存'));
    expect((await b.inspection(fresh)).snapshot.notes).toBe('整体良好');
    await fill('fix-lat', '38.0562');
    await fill('fix-lon', '114.5208');
    await fireEvent.submit(screen.getByTestId('fix-submit').closest('form')!);
    await waitFor(() => expect(screen.getByTestId('gps-panel').textContent).toContain('在中心范围内'));
    expect(screen.getByTestId('gps-panel').textContent).toContain('手动输入');
    // What the end-to-end test reads: the verdict and the distance, by test id.
    expect(screen.getByTestId('gps-fence').dataset.inside).toBe('true');
    expect(screen.getByTestId('gps-fence').textContent!.trim()).toBe('在中心范围内');
    const metres = Number(screen.getByTestId('gps-distance').dataset.metres);
    expect(screen.getByTestId('gps-distance').textContent).toContain(`距中心 ${metres} 米`);
    expect(screen.getByTestId('score-onsite').textContent).toContain('不能证明在现场');
  });
});
