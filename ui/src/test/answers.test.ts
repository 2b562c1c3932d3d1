import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import { setLang } from '../lib/i18n';
import type { Answer } from '../lib/types.gen';
import { item, loadedCtl } from './helpers';

beforeEach(() => { setLang('zh-CN'); localStorage.clear(); });

async function setup(id: string) {
  const { ctl, backend } = await loadedCtl();
  const spy = vi.spyOn(backend, 'setAnswer');
  render(ItemCard, { props: { ctl, item: item(id) } });
  return { ctl, backend, spy };
}

const lastAnswer = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.at(-1)?.[2] as Answer | undefined;

describe('answer widgets', () => {
  it('yes/no sends a boolean and shows the choice', async () => {
    const { spy, ctl } = await setup('facilities.fire');
    await fireEvent.click(screen.getByTestId('answer-facilities.fire-no'));
    expect(spy).toHaveBeenCalledWith('doc-102-2025q2', 'facilities.fire', { kind: 'yes_no', value: false });
    await waitFor(() => expect(ctl.view!.report.vetoes.map((v) => v.item)).toContain('facilities.fire'));
    await waitFor(() => expect(screen.getByTestId('answer-facilities.fire-no').getAttribute('aria-pressed')).toBe('true'));
    await fireEvent.click(screen.getByTestId('answer-facilities.fire-yes'));
    expect(lastAnswer(spy)).toEqual({ kind: 'yes_no', value: true });
  });

  it('scale renders min..max with labels and sends the number', async () => {
    const { spy } = await setup('services.clean');
    for (const n of [1, 2, 3, 4, 5]) expect(screen.getByTestId(`answer-services.clean-scale-${n}`)).toBeTruthy();
    expect(screen.queryByTestId('answer-services.clean-scale-0')).toBeNull();
    expect(screen.getByTestId('answer-services.clean-scale-3').textContent).toContain('一般');
    await fireEvent.click(screen.getByTestId('answer-services.clean-scale-3'));
    expect(lastAnswer(spy)).toEqual({ kind: 'scale', value: 3 });
  });

  it('number accepts a decimal (also with a full-width comma) and refuses out-of-range values', async () => {
    const { spy } = await setup('facilities.area');
    const input = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    expect(input.getAttribute('inputmode')).toBe('decimal');
    expect(input.value).toBe('160');
    await fireEvent.input(input, { target: { value: '12，5' } });
    await fireEvent.change(input);
    expect(lastAnswer(spy)).toEqual({ kind: 'number', value: 12.5 });
    spy.mockClear();
    const again = screen.getByTestId('answer-facilities.area-number') as HTMLInputElement;
    await fireEvent.input(again, { target: { value: '99999' } });
    await fireEvent.change(again);
    expect(screen.getByRole('alert').textContent).toContain('5000');
    await fireEvent.input(again, { target: { value: 'abc' } });
    await fireEvent.blur(again);
    expect(screen.getByRole('alert').textContent).toContain('请输入数字');
    expect(spy).not.toHaveBeenCalled();
  });

  it('choice_one sends the option id', async () => {
    const { spy } = await setup('services.hours');
    await fireEvent.click(screen.getByTestId('answer-services.hours-choice-daytime'));
    expect(lastAnswer(spy)).toEqual({ kind: 'choice', value: 'daytime' });
  });

  it('choice_many toggles options on top of the current answer', async () => {
    const { spy } = await setup('services.formats'); // seeded with grocery + parcel
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-pharmacy'));
    expect(lastAnswer(spy)).toEqual({ kind: 'choices', value: ['grocery', 'parcel', 'pharmacy'] });
    await waitFor(() => expect(screen.getByTestId('answer-services.formats-choice-pharmacy').getAttribute('aria-pressed')).toBe('true'));
    await fireEvent.click(screen.getByTestId('answer-services.formats-choice-grocery'));
    expect(lastAnswer(spy)).toEqual({ kind: 'choices', value: ['parcel', 'pharmacy'] });
  });

  it('sample sends asked/satisfied and refuses satisfied > asked', async () => {
    const { spy } = await setup('satisfaction.survey');
    expect(screen.getByTestId('item-satisfaction.survey').textContent).toContain('至少询问 10 人');
    const asked = screen.getByTestId('answer-satisfaction.survey-sample-asked');
    const sat = screen.getByTestId('answer-satisfaction.survey-sample-satisfied');
    await fireEvent.input(asked, { target: { value: '5' } });
    await fireEvent.change(asked);
    await fireEvent.input(sat, { target: { value: '8' } });
    await fireEvent.change(sat);
    expect(screen.getByRole('alert').textContent).toContain('满意人数不能多于询问人数');
    expect(spy).not.toHaveBeenCalled();
    await fireEvent.input(asked, { target: { value: '12' } });
    await fireEvent.change(asked);
    expect(lastAnswer(spy)).toEqual({ kind: 'sample', value: { asked: 12, satisfied: 8 } });
  });

  it('computed shows the value from the report and takes no input', async () => {
    const { ctl } = await loadedCtl();
    await ctl.run(() => ctl.backend.setAnswer(ctl.doc, 'satisfaction.staff', { kind: 'number', value: 4 }));
    render(ItemCard, { props: { ctl, item: item('satisfaction.area_per_staff') } });
    const box = screen.getByTestId('computed-satisfaction.area_per_staff');
    expect(box.textContent).toContain('40'); // 160 m² / 4 staff
    expect(screen.getByTestId('item-satisfaction.area_per_staff').querySelector('input')).toBeNull();
  });

  it('text items are written to the item notes', async () => {
    const { ctl, backend } = await loadedCtl();
    const notes = vi.spyOn(backend, 'setNotes');
    render(ItemCard, { props: { ctl, item: item('satisfaction.quotes') } });
    await fireEvent.input(screen.getByTestId('notes-satisfaction.quotes'), { target: { value: '希望多些蔬菜' } });
    await waitFor(() => expect(notes).toHaveBeenLastCalledWith('doc-102-2025q2', 'satisfaction.quotes', '希望多些蔬菜', ''));
  });

  it('N/A is offered only where allowed and marks the item', async () => {
    const { backend, ctl } = await setup('facilities.access');
    const na = vi.spyOn(backend, 'markNotApplicable');
    await fireEvent.click(screen.getByTestId('na-facilities.access'));
    expect(na).toHaveBeenCalledWith('doc-102-2025q2', 'facilities.access');
    await waitFor(() => expect(ctl.view!.snapshot.answers['facilities.access']?.answer).toEqual({ kind: 'not_applicable' }));
  });

  it('no N/A button on an item that does not allow it', async () => {
    await setup('facilities.fire');
    expect(screen.queryByTestId('na-facilities.fire')).toBeNull();
  });

  it('a backend refusal is shown on the item', async () => {
    const { spy } = await setup('facilities.fire');
    spy.mockRejectedValueOnce({ code: 'invalid_answer', message: 'nope' });
    await fireEvent.click(screen.getByTestId('answer-facilities.fire-yes'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('nope'));
  });
});
