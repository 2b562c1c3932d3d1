// A follow-up's item shows the original finding's photos (原问题照片) from
// the device, and a placeholder for one the next sync has yet to bring.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import { setLang } from '../lib/i18n';
import { item, loadedCtl } from './helpers';

beforeEach(() => { setLang('zh-CN'); localStorage.clear(); });
afterEach(() => cleanup());

const HERE = 'a'.repeat(64);
const NOT_YET = 'b'.repeat(64);

describe('reference photos', () => {
  it('show the fetched thumbnails and a placeholder for the rest', async () => {
    const { ctl, backend } = await loadedCtl();
    backend.blobs.set(HERE, new Uint8Array([0xff, 0xd8, 0xff]));
    const followUp = { ...item('facilities.sign'), reference_photos: [HERE, NOT_YET] };
    render(ItemCard, { props: { ctl, item: followUp } });
    expect(screen.getByText('原问题照片（整改前）')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByRole('img', { name: '原问题照片（整改前）' })).toHaveLength(1));
    expect(screen.getAllByTestId('reference-thumb-facilities.sign')).toHaveLength(2);
    expect(screen.getByTitle('同步后显示')).toBeTruthy();
  });

  it('are absent from an ordinary item', async () => {
    const { ctl } = await loadedCtl();
    render(ItemCard, { props: { ctl, item: item('facilities.sign') } });
    expect(screen.queryByTestId('reference-photos-facilities.sign')).toBeNull();
  });
});
