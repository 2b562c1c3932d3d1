// The sync screen follows the panel the app pushes; an answer to a request
// sent before a newer pushed panel is older than what is shown and must not
// replace it (it once left the screen at 同步中 after the sync had finished).
import { render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Sync from '../app/screens/Sync.svelte';
import { MockBackend } from '../lib/backend-mock';
import { backendContext } from '../lib/context';
import { setLang } from '../lib/i18n';
import type { SyncPanel } from '../lib/types.gen';

beforeEach(() => setLang('zh-CN'));

describe('the sync screen', () => {
  it('keeps a pushed panel over an older answer that arrives after it', async () => {
    const b = new MockBackend();
    const fresh = await b.syncStatus();
    let answer: (p: SyncPanel) => void = () => {};
    const stale = { ...fresh, state: { state: 'syncing' as const, documents: 1, photos: 0, photos_left: 0 } };
    // Only the screen's own first request is held back; pushes read the mock as usual.
    vi.spyOn(b, 'syncStatus').mockImplementationOnce(() => new Promise((r) => { answer = r; }));
    render(Sync, { context: backendContext(b) });
    // The push arrives first, then the answer to the request sent on opening.
    b.syncState = { state: 'up_to_date', at: 1_796_000_000_000 };
    await waitFor(() => expect(screen.getByTestId('sync-state').className).toContain('up_to_date'));
    answer(stale);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('sync-state').className).toContain('up_to_date');
  });
});
