import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import ConflictChooser from '../lib/ConflictChooser.svelte';
import { setLang } from '../lib/i18n';
import { item, loadedCtl, RETURNED } from './helpers';

beforeEach(() => setLang('zh-CN'));

describe('ConflictChooser', () => {
  it('shows every value with who gave it and keeps the chosen index', async () => {
    const onkeep = vi.fn();
    render(ConflictChooser, { props: {
      conflict: { item: 'services.clean', values: [
        { answer: { kind: 'scale', value: 4 }, by: 'insp-wang', at: 0 },
        { answer: { kind: 'scale', value: 2 }, by: 'insp-li', at: 60_000 },
      ] },
      spec: item('services.clean').answer,
      inspectors: { 'insp-wang': '王芳', 'insp-li': '李强' },
      onkeep,
    } });
    expect(screen.getByText('4 · 较好')).toBeTruthy();
    expect(screen.getByText('2 · 较差')).toBeTruthy();
    expect(screen.getByText(/王芳/)).toBeTruthy();
    expect(screen.getByText(/李强/)).toBeTruthy();
    await fireEvent.click(screen.getByTestId('conflict-services.clean-keep-1'));
    expect(onkeep).toHaveBeenCalledWith(1);
  });

  it('in the checklist, keeping a value resolves the conflict through the backend', async () => {
    const { ctl, backend } = await loadedCtl(RETURNED);
    const spy = vi.spyOn(backend, 'resolveConflict');
    render(ItemCard, { props: { ctl, item: item('services.clean') } });
    await fireEvent.click(screen.getByTestId('conflict-services.clean-keep-1'));
    expect(spy).toHaveBeenCalledWith(RETURNED, 'services.clean', 1);
    await vi.waitFor(() => expect(screen.queryByTestId('conflict-services.clean-keep-0')).toBeNull());
    expect(ctl.view!.snapshot.answers['services.clean']?.answer).toEqual({ kind: 'scale', value: 2 });
    expect(screen.getByTestId('answer-services.clean-scale-2').getAttribute('aria-pressed')).toBe('true');
  });

  it('the supervisor comment on the item is shown', async () => {
    const { ctl } = await loadedCtl(RETURNED);
    render(ItemCard, { props: { ctl, item: item('facilities.fire') } });
    expect(screen.getByTestId('item-facilities.fire').textContent).toContain('审核意见');
    expect(screen.getByTestId('item-facilities.fire').textContent).toContain('灭火器检验日期看不清');
  });
});
