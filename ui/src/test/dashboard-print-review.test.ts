// The printed report keeps photos and item names (only controls are hidden),
// and a draft cannot be reviewed.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../dashboard/api';
import { MockApi } from '../dashboard/api-mock';
import Report from '../dashboard/pages/Report.svelte';
import { apiContext, errorMessage } from '../dashboard/session.svelte';
import { setLang } from '../lib/i18n';

// Vitest hands imported CSS over as '' (its CSS processing is off), so the
// stylesheet is read from disk.
declare const process: { getBuiltinModule(id: 'node:fs'): { readFileSync(path: string, encoding: 'utf8'): string } };
const here = (import.meta as ImportMeta & { dirname: string }).dirname;
const cssPath = `${here}/../dashboard/dashboard.css`;
const css = process.getBuiltinModule('node:fs').readFileSync(cssPath, 'utf8');

const MISSING_PHOTO = 'automerge:5Lm6YsGu3HwT'; // submitted, photos, a missing required photo
const DRAFT = 'automerge:7Pr8DzLo2EgX';

async function open(doc: string, api = new MockApi()) {
  render(Report, { props: { doc }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('report-total')).toBeTruthy());
  return api;
}

/// Selectors the print stylesheet hides.
function hiddenInPrint(): string[] {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  const sheet = style.sheet!;
  const out: string[] = [];
  for (const rule of Array.from(sheet.cssRules)) {
    if (!(rule instanceof CSSMediaRule) || !rule.media.mediaText.includes('print')) continue;
    for (const r of Array.from(rule.cssRules)) {
      if (r instanceof CSSStyleRule && r.style.getPropertyValue('display') === 'none') out.push(r.selectorText);
    }
  }
  style.remove();
  return out;
}
const printed = (el: Element) => !hiddenInPrint().some((sel) => el.closest(sel));

beforeEach(() => setLang('zh-CN'));

describe('print', () => {
  it('keeps photo thumbnails and the item names of evidence problems, hides the controls', async () => {
    expect(hiddenInPrint().length).toBeGreaterThan(0);
    await open(MISSING_PHOTO);
    const thumbs = screen.getAllByTestId('photo-thumb');
    expect(thumbs.length).toBeGreaterThan(0);
    for (const t of thumbs) expect(printed(t), 'photo thumbnail').toBe(true);
    const name = screen.getByTestId('evidence-problems').querySelector('li button')!;
    expect(name.textContent).toBe('商品明码标价');
    expect(printed(name)).toBe(true);
    for (const id of ['print-button', 'review-approve', 'review-return']) expect(printed(screen.getByTestId(id)), id).toBe(false);
  });
});

describe('review of a draft', () => {
  it('offers no approve or return, and says why', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'review');
    await open(DRAFT, api);
    expect(screen.getByTestId('review-status').textContent).toBe('草稿');
    expect(screen.queryByTestId('review-approve')).toBeNull();
    expect(screen.queryByTestId('review-return')).toBeNull();
    expect(screen.getByTestId('review-not-signed').textContent).toContain('签字');
    expect(spy).not.toHaveBeenCalled();
  });

  it('a refusal with not_signed is explained', async () => {
    const api = new MockApi();
    await open(MISSING_PHOTO, api);
    vi.spyOn(api, 'review').mockRejectedValueOnce(new ApiError(409, 'not_signed', 'inspection is not signed'));
    await fireEvent.click(screen.getByTestId('review-approve'));
    await fireEvent.click(screen.getByTestId('review-submit'));
    await waitFor(() => expect(screen.getByTestId('review-error').textContent).toBe('检查员还没有签字，这份检查不能审核。'));
  });

  it('the mock server refuses a draft like the real one', async () => {
    const api = new MockApi();
    const err = await api.review(DRAFT, { status: 'approved', comment: '', item_comments: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code]).toEqual([409, 'not_signed']);
    setLang('en');
    expect(errorMessage(err)).toBe('No inspector has signed this inspection yet, so it cannot be reviewed.');
  });
});
