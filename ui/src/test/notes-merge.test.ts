// A note open on screen while a sync merges a co-inspector's words into it:
// each save names the text it was typed over, and the field shows the merged
// text once everything typed is saved.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import NotesField from '../app/checklist/NotesField.svelte';

afterEach(cleanup);

describe('notes field', () => {
  it('sends the base of every edit and adopts text merged in meanwhile', async () => {
    const onsave = vi.fn(async (_text: string, _base: string) => null);
    const { rerender } = render(NotesField, { props: { value: '门头整洁', onsave, testid: 'n', label: 'notes' } });
    const area = screen.getByTestId('n') as HTMLTextAreaElement;
    await fireEvent.focus(area);
    await fireEvent.input(area, { target: { value: '门头整洁，' } });
    await waitFor(() => expect(onsave).toHaveBeenCalledWith('门头整洁，', '门头整洁'));
    // The device rebased the edit onto a merged note; the view brings it back,
    // shown once the field is left (the caret would jump while typing).
    await rerender({ value: '消防通道畅通。门头整洁，' });
    expect(area.value).toBe('门头整洁，');
    await fireEvent.blur(area);
    await waitFor(() => expect(area.value).toBe('消防通道畅通。门头整洁，'));
    await fireEvent.input(area, { target: { value: '消防通道畅通。门头整洁，灯箱损坏' } });
    await waitFor(() => expect(onsave).toHaveBeenLastCalledWith('消防通道畅通。门头整洁，灯箱损坏', '消防通道畅通。门头整洁，'));
  });

  it('never replaces what the user is typing with an older echo', async () => {
    let release: () => void = () => {};
    const onsave = vi.fn(() => new Promise<string | null>((r) => { release = () => r(null); }));
    const { rerender } = render(NotesField, { props: { value: '', onsave, testid: 'n', label: 'notes' } });
    const area = screen.getByTestId('n') as HTMLTextAreaElement;
    await fireEvent.input(area, { target: { value: 'ab' } });
    await fireEvent.input(area, { target: { value: 'abc' } });
    await rerender({ value: 'ab' }); // the echo of the first save, while "abc" waits
    expect(area.value).toBe('abc');
    release();
    await waitFor(() => expect(onsave).toHaveBeenCalledTimes(2));
    release();
    await waitFor(() => expect(onsave).toHaveBeenLastCalledWith('abc', 'ab'));
  });
});
