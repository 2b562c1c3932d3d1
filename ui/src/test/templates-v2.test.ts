// The checklist after the evaluation system's version 2: citations in the
// user's language, respondents recorded one by one, the capped bonus shown
// as base + bonus, and the notice of a move to a newer template version.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../app/App.svelte';
import { MockBackend } from '../lib/backend-mock';
import { setLang } from '../lib/i18n';
import MigrationNotice from '../lib/MigrationNotice.svelte';
import ScorePanel from '../lib/ScorePanel.svelte';
import { TEMPLATE } from '../lib/mock-data';
import type { Report } from '../lib/types.gen';
import { DRAFT } from './helpers';

beforeEach(() => setLang('zh-CN'));

async function openDraft(b: MockBackend) {
  location.hash = `#/inspection/${DRAFT}`;
  render(App, { props: { backend: b } });
  await waitFor(() => screen.getByTestId('respondents-satisfaction.interviews'));
}

describe('version 2 of the checklist', () => {
  it('cites the source in the user’s language', async () => {
    await openDraft(new MockBackend());
    expect(screen.getByTestId('source-services.prices').textContent).toBe('依据：《价格法》第十三条');
    setLang('en');
    await waitFor(() => expect(screen.getByTestId('source-services.prices').textContent).toBe('Source: Price Law, article 13'));
  });

  it('records respondents one by one, computes the rate and masks a phone number', async () => {
    const b = new MockBackend();
    await openDraft(b);
    const item = 'satisfaction.interviews';
    await fireEvent.click(screen.getByTestId(`respondent-add-${item}`));
    expect(screen.getByRole('alert').textContent).toBe('请先选择满意或不满意');
    for (const [happy, opinion, phone] of [[true, '', ''], [false, '希望延长营业时间', '13800138000'], [true, '', '']] as const) {
      await fireEvent.click(screen.getByTestId(`respondent-${happy ? 'satisfied' : 'unsatisfied'}-${item}`));
      await fireEvent.input(screen.getByTestId(`respondent-opinion-${item}`), { target: { value: opinion } });
      await fireEvent.input(screen.getByTestId(`respondent-phone-${item}`), { target: { value: phone } });
      await fireEvent.click(screen.getByTestId(`respondent-add-${item}`));
    }
    await waitFor(() => expect(screen.getByTestId(`respondents-summary-${item}`).textContent).toContain('已随访 3 人，满意 2 人（满意率 66.7%）'));
    const second = screen.getByTestId(`respondent-${item}-1`).textContent!;
    expect(second).toContain('“希望延长营业时间”');
    expect(second).toContain('138****8000');
    expect(second).not.toContain('13800138000');
    const stored = (await b.inspection(DRAFT)).snapshot.respondents![item];
    expect(stored.map((p) => p.satisfied)).toEqual([true, false, true]);
    // 2 of 3 is below 80%: no points, the item shows as failed in the report.
    expect((await b.inspection(DRAFT)).report.items.find((i) => i.id === item)?.points).toBe(0);
    await fireEvent.click(screen.getByTestId(`respondent-remove-${item}-1`));
    await waitFor(() => expect(screen.getByTestId(`respondents-summary-${item}`).textContent).toContain('已随访 2 人，满意 2 人（满意率 100%）'));
  });

  it('shows the total as base + capped bonus, and an old report as it was', () => {
    const report = {
      template: { id: 'centre-quarterly', version: 3 }, centre_code: 'C', total: 94.67, base_total: 89.67, bonus: 3, grade: 'excellent',
      complete: true, sections: [
        { id: 'facilities', weight: 30, earned: 10, possible: 10, counted: true, score: 30, bonus: false },
        { id: 'bonus', weight: 0, earned: 4, possible: 4, counted: false, score: 3, bonus: true },
      ], items: [], vetoes: [], evidence_problems: [], unanswered: [], conflicts: [], on_site: null, figures: {},
    } as unknown as Report;
    const { unmount } = render(ScorePanel, { props: { report, template: TEMPLATE } });
    expect(screen.getByTestId('score-breakdown').textContent!.trim()).toBe('基本分 89.7 + 加分 3 = 总分 94.7');
    expect(screen.getByTestId('score-bonus-bonus').textContent).toContain('加分项');
    expect(screen.getByTestId('score-bonus-bonus').textContent).toContain('加分项（上限 3 分）');
    expect(screen.getByTestId('score-bonus-bonus').textContent).toContain('+3');
    unmount();
    const old = { ...report, total: 88, base_total: 0, bonus: 0, sections: [report.sections[0]] } as Report;
    render(ScorePanel, { props: { report: old, template: TEMPLATE } });
    expect(screen.queryByTestId('score-breakdown')).toBeNull();
    expect(screen.getByTestId('score-total').textContent).toBe('88');
  });

  it('tells what a move to a newer version did', () => {
    const at = 1_764_000_000_000;
    render(MigrationNotice, { props: { template: TEMPLATE, migrations: [
      { from_version: 1, to_version: 2, by: 'hebei-admin', at, moved: { 'services.price_tags': 'services.prices' },
        removed: { 'basic.facility_area': { answer: { kind: 'number', value: 700 }, by: 'insp-wang', at } }, added: ['bonus.online', 'bonus.chain'],
        conflicting: {} },
      { from_version: 1, to_version: 2, by: 'server', at, moved: {}, removed: {}, added: [],
        conflicting: { 'safety.fire_hazard': { answer: { kind: 'choice', value: 'suspected_major' }, by: 'insp-wang', at } } },
    ] } });
    expect(screen.getByTestId('migration-notice').textContent).toContain('检查表已更新到第 2 版');
    expect(screen.getByTestId('migration-moved').textContent).toContain('商品明码标价');
    expect(screen.getByTestId('migration-removed').textContent).toContain('basic.facility_area：700');
    expect(screen.getByTestId('migration-added').textContent).toContain('2 项');
    expect(screen.getByTestId('migration-conflicting').textContent).toContain('safety.fire_hazard：suspected_major（insp-wang）');
  });
});
