// Answers typed or tapped quickly: saved while typing, kept when half typed,
// never built on a stale answer, never overwritten by an older echo.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import { setLang } from '../lib/i18n';
import { parseNumber } from '../lib/number';
import type { Answer } from '../lib/types.gen';
import { item, loadedCtl } from './helpers';

beforeEach(() => { setLang('zh-CN'); localStorage.clear(); });

/// setAnswer held until release(): replies come when the test says so.
async function slowSetup(id: string) {
  const { ctl, backend } = await loadedCtl();
  const real = backend.setAnswer.bind(backend);
  const gates: (() => void)[] = [];
  const spy = vi.spyOn(backend, 'setAnswer').mockImplementation(async (doc, it, a) => {
    await new Promise<void>((r) => gates.push(r));
    return real(doc, it, a);
  });
  const release = async () => { while (gates.length) { gates.shift()!(); await new Promise((r) => setTimeout(r, 0)); } };
  render(ItemCard, { props: { ctl, item: item(id) } });
  return { ctl, backend, spy, release };
}

const sentValues = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => (c[2] as Answer & { value: unknown }).value);

describe('numbers typed', () => {
  it('are saved while typing, without leaving the field, and an older echo does not eat what follows', async () => {
    const { ctl, spy, release } = await slowSetup('facilities.area');
    const input = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '1' } });
    await fireEvent.input(input, { target: { value: '12' } });
    await fireEvent.input(input, { target: { value: '120,5' } });
    expect(sentValues(spy)).toEqual([1]); // one save in flight, the newest value next
    await release();
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 120.5 }));
    expect(sentValues(spy)).toEqual([1, 120.5]);
    // The same field, still holding what was typed (not re-created per answer).
    expect(screen.getByTestId('answer-facilities.area-number')).toBe(input);
    expect(input.value).toBe('120,5');
  });

  it('"1,200" is twelve hundred; full-width input is understood', async () => {
    const { ctl } = await loadedCtl();
    render(ItemCard, { props: { ctl, item: item('facilities.area') } });
    const input = screen.getByTestId('answer-facilities.area-number');
    await fireEvent.input(input, { target: { value: '1,200' } });
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 1200 }));
    await fireEvent.input(input, { target: { value: '１２０．５' } });
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 120.5 }));
    await fireEvent.input(input, { target: { value: '1,2,3' } });
    await fireEvent.blur(input);
    expect(screen.getByRole('alert').textContent).toContain('请输入数字');
    expect(screen.getByRole('alert').textContent).toContain('已保存的仍是 120.5');
    expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 120.5 });
  });

  it('deleted key by key and left empty, the answer is cleared, not left at its first digit', async () => {
    const { ctl, backend } = await loadedCtl();
    const clear = vi.spyOn(backend, 'clearAnswer');
    render(ItemCard, { props: { ctl, item: item('facilities.area') } });
    const input = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    expect(input.value).toBe('160');
    for (const v of ['16', '1', '']) await fireEvent.input(input, { target: { value: v } });
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 1 }));
    await fireEvent.blur(input);
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']).toBeUndefined());
    expect(clear).toHaveBeenCalledTimes(1);
    expect(input.value).toBe('');
  });

  it('a value past the maximum keeps the last valid one stored and says so', async () => {
    const { ctl } = await loadedCtl();
    render(ItemCard, { props: { ctl, item: item('facilities.area') } });
    const input = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    for (const v of ['1', '12', '120', '1200', '12000']) await fireEvent.input(input, { target: { value: v } });
    await fireEvent.blur(input);
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.area']?.answer).toEqual({ kind: 'number', value: 1200 }));
    expect(screen.getByRole('alert').textContent).toContain('已保存的仍是 1200');
  });

  it('an answer cleared elsewhere empties the field', async () => {
    const { ctl } = await loadedCtl();
    render(ItemCard, { props: { ctl, item: item('facilities.area') } });
    const input = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    expect(input.value).toBe('160');
    await fireEvent.click(screen.getByTestId('clear-facilities.area'));
    await waitFor(() => expect(input.value).toBe(''));
  });
});

describe('parseNumber', () => {
  it.each([
    ['1,200', 1200], ['-1,234,567.25', -1234567.25], ['１２０．５', 120.5], ['１，２００', 1200], ['12,5', 12.5],
    ['12，5', 12.5], [' 7 ', 7], ['0.5', 0.5], ['.5', 0.5], ['12.', 12], ['-3', -3], ['0,500', 0.5], ['12。5', 12.5],
  ])('%s → %d', (text, n) => expect(parseNumber(text)).toBe(n));

  it.each(['1,2,3', '12,50,0', '1.200,5', '1e3', 'abc', '1 200', '--1', '12.5.1', ',5', '0x10', 'Infinity'])(
    '%s is refused', (text) => expect(parseNumber(text)).toBeNaN());

  it('nothing typed is not a number and not an error', () => {
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('　')).toBeNull(); // ideographic space
  });
});

describe('samples typed', () => {
  it('saves as soon as both numbers are there, without leaving a field', async () => {
    const { ctl, backend } = await loadedCtl();
    const spy = vi.spyOn(backend, 'setAnswer');
    render(ItemCard, { props: { ctl, item: item('satisfaction.survey') } });
    await fireEvent.input(screen.getByTestId('answer-satisfaction.survey-sample-asked'), { target: { value: '20' } });
    await fireEvent.input(screen.getByTestId('answer-satisfaction.survey-sample-satisfied'), { target: { value: '18' } });
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(ctl.doc, 'satisfaction.survey', { kind: 'sample', value: { asked: 20, satisfied: 18 } }));
  });

  it('keeps the number asked on this device until the number satisfied is typed', async () => {
    const { ctl, backend } = await loadedCtl();
    const spy = vi.spyOn(backend, 'setAnswer');
    render(ItemCard, { props: { ctl, item: item('satisfaction.survey') } });
    const asked = () => screen.getByTestId('answer-satisfaction.survey-sample-asked') as HTMLInputElement;
    const sat = () => screen.getByTestId('answer-satisfaction.survey-sample-satisfied') as HTMLInputElement;
    await fireEvent.input(asked(), { target: { value: '25' } });
    await fireEvent.input(sat(), { target: { value: '' } });
    expect(spy).not.toHaveBeenCalled(); // not an answer the document can hold yet
    // The app is closed and opened again.
    cleanup();
    const again = await loadedCtl(ctl.doc, backend);
    render(ItemCard, { props: { ctl: again.ctl, item: item('satisfaction.survey') } });
    expect(asked().value).toBe('25');
    expect(sat().value).toBe('');
    await fireEvent.input(sat(), { target: { value: '21' } });
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(ctl.doc, 'satisfaction.survey', { kind: 'sample', value: { asked: 25, satisfied: 21 } }));
    expect(Object.keys(localStorage).filter((k) => k.includes('satisfaction.survey'))).toEqual([]);
  });
});

describe('choose-many taps', () => {
  it('a second tap before the first reply keeps the first choice', async () => {
    const { ctl, spy, release } = await slowSetup('services.formats'); // seeded with grocery + parcel
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-pharmacy'));
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-food'));
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-grocery'));
    // Shown at once, before any reply.
    expect(screen.getByTestId('answer-services.formats-choice-pharmacy').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('answer-services.formats-choice-food').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('answer-services.formats-choice-grocery').getAttribute('aria-pressed')).toBe('false');
    await release();
    await waitFor(() => expect(ctl.view!.snapshot.answers['services.formats']?.answer)
      .toEqual({ kind: 'choices', value: ['parcel', 'pharmacy', 'food'] }));
    expect(sentValues(spy).at(-1)).toEqual(['parcel', 'pharmacy', 'food']);
  });

  it('clear pressed while taps are still saving wins: the last thing done is stored', async () => {
    const { ctl, backend, spy, release } = await slowSetup('services.formats');
    const clear = vi.spyOn(backend, 'clearAnswer');
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-pharmacy'));
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-food'));
    await fireEvent.click(screen.getByTestId('clear-services.formats'));
    expect(clear).not.toHaveBeenCalled(); // behind the save in flight
    await release();
    await waitFor(() => expect(clear).toHaveBeenCalled());
    expect(ctl.view!.snapshot.answers['services.formats']).toBeUndefined();
    expect(sentValues(spy)).toEqual([['grocery', 'parcel', 'pharmacy']]);
    await waitFor(() => expect(screen.getByTestId('answer-services.formats-choice-pharmacy').getAttribute('aria-pressed')).toBe('false'));
    expect(screen.getByTestId('answer-services.formats-choice-grocery').getAttribute('aria-pressed')).toBe('false');
  });

  it('a refused tap shows the stored choices again', async () => {
    const { ctl, backend } = await loadedCtl();
    vi.spyOn(backend, 'setAnswer').mockRejectedValueOnce({ code: 'invalid_answer', message: 'nope' });
    render(ItemCard, { props: { ctl, item: item('services.formats') } });
    const pharmacy = screen.getByTestId('answer-services.formats-choice-pharmacy');
    await fireEvent.click(pharmacy);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('nope'));
    await waitFor(() => expect(pharmacy.getAttribute('aria-pressed')).toBe('false'));
    await fireEvent.click(pharmacy);
    await waitFor(() => expect(ctl.view!.snapshot.answers['services.formats']?.answer)
      .toEqual({ kind: 'choices', value: ['grocery', 'parcel', 'pharmacy'] }));
  });
});
