// 现场互传 against MockBackend: the way in from the sync screen, an offer
// with its QR code, address and code, cancelling it, a join refused for a
// wrong code and one that lists what was exchanged; English.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../app/App.svelte';
import { MockBackend } from '../lib/backend-mock';
import { setLang } from '../lib/i18n';

beforeEach(() => { setLang('zh-CN'); location.hash = '#/sync'; });
afterEach(() => { location.hash = ''; });

async function fill(id: string, value: string) {
  await fireEvent.input(screen.getByTestId(id), { target: { value } });
}

describe('hand-off on site', () => {
  it('offers with a QR code and a code, cancels, and is reached from the sync screen', async () => {
    const b = new MockBackend();
    render(App, { props: { backend: b } });
    const open = await screen.findByTestId('open-handoff');
    expect(open.textContent).toContain('现场互传');
    location.hash = '#/handoff';
    await fireEvent.click(await screen.findByTestId('handoff-offer'));
    await waitFor(() => expect(screen.getByTestId('handoff-code').textContent).toBe('1234-5678'));
    expect(screen.getByTestId('handoff-address').textContent).toBe('192.168.43.1:47000');
    await waitFor(() => expect(screen.getByTestId('handoff-qr').querySelector('svg path')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('handoff-cancel'));
    await waitFor(() => expect(screen.queryByTestId('handoff-code')).toBeNull());
    expect(b.handoff.state).toBe('idle');
  });

  it('refuses a wrong code, then lists what was exchanged', async () => {
    const b = new MockBackend();
    location.hash = '#/handoff';
    render(App, { props: { backend: b } });
    await screen.findByTestId('handoff-join-address');
    await fill('handoff-join-address', '192.168.43.1:47000');
    await fill('handoff-join-code', '0000-0000');
    await fireEvent.click(await screen.findByTestId('handoff-join'));
    await waitFor(() => expect(screen.getByTestId('handoff-error').textContent).toContain('互传失败'));
    expect(screen.queryByTestId('handoff-result')).toBeNull();
    await fill('handoff-join-code', '1234-5678');
    await fireEvent.click(screen.getByTestId('handoff-join'));
    await waitFor(() => expect(screen.getByTestId('handoff-result').textContent).toContain('已与 李强 交换检查记录'));
    const docs = screen.getAllByTestId('handoff-doc');
    expect(docs).toHaveLength(1);
    expect(docs[0].textContent).toContain('发出 3 条，收到 2 条');
  });

  it('speaks English', async () => {
    setLang('en');
    location.hash = '#/handoff';
    render(App, { props: { backend: new MockBackend({ language: 'en' }) } });
    expect((await screen.findByTestId('handoff-offer')).textContent).toContain('Offer a hand-off');
    expect(screen.getByTestId('handoff-join').textContent).toContain('Join');
  });
});
