import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MockBackend } from '../lib/backend-mock';
import { setLang } from '../lib/i18n';
import ScorePanel from '../lib/ScorePanel.svelte';
import { DRAFT, RETURNED } from './helpers';

beforeEach(() => setLang('zh-CN'));

describe('ScorePanel', () => {
  it('shows total, grade, unanswered items, missing photos, vetoes and conflicts', async () => {
    const b = new MockBackend();
    await b.setAnswer(DRAFT, 'facilities.fire', { kind: 'yes_no', value: false });
    const v = await b.inspection(RETURNED);
    const draft = await b.inspection(DRAFT);
    const onjump = vi.fn();
    render(ScorePanel, { props: { report: draft.report, template: draft.template, onjump } });

    expect(screen.getByTestId('score-total').textContent).toBe(String(draft.report.total));
    expect(screen.getByTestId('score-grade').textContent).toBe('不合格'); // the veto forces 不合格
    const vetoes = screen.getByTestId('score-vetoes');
    expect(vetoes.textContent).toContain('消防器材齐全且在有效期内');
    const unanswered = screen.getByTestId('score-unanswered');
    // The bonus items (加分项) left open are listed apart: they cost nothing.
    const bonus = ['bonus.online', 'bonus.chain'];
    expect(bonus.every((id) => draft.report.unanswered.includes(id))).toBe(true);
    expect(unanswered.textContent).toContain(`未答 ${draft.report.unanswered.length - bonus.length} 项`);
    expect(screen.getByTestId('score-bonus-unanswered').textContent).toContain('加分项未作答 2 项（不扣分）');
    await fireEvent.click(within(unanswered).getByText('商品明码标价'));
    expect(onjump).toHaveBeenCalledWith('services.prices');
    expect(screen.getByTestId('score-evidence').textContent).toContain('商品明码标价 — 缺少必需的照片');
    expect(screen.queryByTestId('score-conflicts')).toBeNull();
    expect(v.report.conflicts).toEqual(['services.clean']);
  });

  it('lists open conflicts and a too-small sample', async () => {
    const v = await new MockBackend().inspection(RETURNED);
    render(ScorePanel, { props: { report: v.report, template: v.template } });
    expect(screen.getByTestId('score-conflicts').textContent).toContain('店内整洁程度');
    expect(screen.getByTestId('score-evidence').textContent).toContain('询问人数不足');
    expect(screen.queryByTestId('score-vetoes')).toBeNull();
    expect(screen.getByTestId('score-onsite').textContent).toContain('还没有定位');
  });
});
