// 检查表版本: the versions a region uses and, for an administrator, the open
// drafts on an older version, moved only after a confirmation.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { ADMINISTRATOR, MockApi, SUPERVISOR } from '../dashboard/api-mock';
import Templates from '../dashboard/pages/Templates.svelte';
import { apiContext, session } from '../dashboard/session.svelte';
import { TEMPLATE } from '../lib/mock-data';

beforeEach(() => setLang('zh-CN'));
afterEach(() => { cleanup(); vi.restoreAllMocks(); });

async function mount(user: typeof ADMINISTRATOR) {
  session.user = { ...user };
  const api = new MockApi({ user });
  render(Templates, { context: apiContext(api) });
  await waitFor(() => screen.getByTestId(`template-${TEMPLATE.id}`));
  return api;
}

describe('Checklist versions', () => {
  it('lists the versions and moves the open drafts after a confirmation', async () => {
    const api = await mount(ADMINISTRATOR);
    const row = screen.getByTestId(`template-${TEMPLATE.id}`);
    expect(row.textContent).toContain(`第 ${TEMPLATE.version} 版、第 ${TEMPLATE.version - 1} 版`);
    await waitFor(() => expect(screen.getByTestId(`drafts-${TEMPLATE.id}`).textContent).toContain(`1 份草稿仍在第 ${TEMPLATE.version - 1} 版`));
    const move = vi.spyOn(api, 'migrateDrafts');
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    await fireEvent.click(screen.getByTestId(`move-drafts-${TEMPLATE.id}`));
    expect(move).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId(`move-drafts-${TEMPLATE.id}`));
    expect(confirm.mock.calls[1]![0]).toContain(`将 1 份未提交草稿移至第 ${TEMPLATE.version} 版`);
    await waitFor(() => expect(screen.getByTestId(`moved-${TEMPLATE.id}`).textContent).toContain('已将 1 份草稿移至'));
    expect(move).toHaveBeenCalledWith(TEMPLATE.id, TEMPLATE.version);
    expect(screen.getByTestId(`drafts-${TEMPLATE.id}`).textContent).toContain('没有需要迁移的草稿');
  });

  it('shows a supervisor the versions without the drafts column', async () => {
    await mount(SUPERVISOR);
    expect(screen.queryByTestId(`drafts-${TEMPLATE.id}`)).toBeNull();
    expect(screen.queryByText('旧版本上的未提交草稿')).toBeNull();
  });
});
