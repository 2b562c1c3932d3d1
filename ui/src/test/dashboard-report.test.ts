import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../lib/i18n';
import { MockApi } from '../dashboard/api-mock';
import { sketch, timeOnSite } from '../dashboard/geo';
import Report from '../dashboard/pages/Report.svelte';
import { apiContext } from '../dashboard/session.svelte';

const CONFLICTS = 'automerge:3Fh9TzWq8PbN'; // 王芳 and 李强, a conflict on services.clean
const RETURNED = 'automerge:4Kp2VnEc5RdJ';
const MISSING_PHOTO = 'automerge:5Lm6YsGu3HwT';

async function open(doc: string, api = new MockApi()) {
  render(Report, { props: { doc }, context: apiContext(api) });
  await waitFor(() => expect(screen.getByTestId('report-total')).toBeTruthy());
  return api;
}

beforeEach(() => setLang('zh-CN'));

describe('report view', () => {
  it('names the device that signed each photo and counts the signed evidence', async () => {
    const api = new MockApi();
    const real = await api.report(MISSING_PHOTO);
    const [first, ...rest] = Object.values(real.document.photos);
    const sig = { device: 12, signature: 'ab'.repeat(64) };
    const photos = Object.fromEntries([[first.sha256, { ...first, signature: sig }], ...rest.map((p) => [p.sha256, p])]);
    const fixes = real.document.gps_fixes.map((f, i) => (i === 0 ? { ...f, signature: sig } : f));
    const signers = [{ device: 12, name: '王检查员的手机', username: 'wang', revoked: false }];
    vi.spyOn(api, 'report').mockResolvedValue({ ...real, document: { ...real.document, photos, gps_fixes: fixes }, signers });
    await open(MISSING_PHOTO, api);
    const thumbs = screen.getAllByTestId('photo-thumb').filter((el) => el.tagName === 'BUTTON');
    const signed = thumbs.find((el) => el.dataset.sha === first.sha256)!;
    expect(signed.getAttribute('title')).toContain('设备签名：王检查员的手机（wang）');
    for (const el of thumbs.filter((el) => el !== signed)) expect(el.getAttribute('title')).toContain('未签名');
    const counts = screen.getByTestId('evidence-counts').textContent!;
    expect(counts).toContain(`照片 1/${Object.keys(photos).length} 张`);
    expect(counts).toContain(`定位 ${fixes.length ? 1 : 0}/${fixes.length} 条`);
    expect(screen.getByTestId('evidence-devices').textContent).toContain('王检查员的手机（wang）');
    const rows = screen.getAllByTestId('gps-fix-row');
    expect(rows.filter((r) => r.dataset.signed === 'yes').map((r) => r.textContent)).toEqual(
      fixes.filter((f) => f.signature).map(() => expect.stringContaining('设备签名：王检查员的手机（wang）')));
  });

  it('shows an inspection nobody has worked on as not started, without the registry-only score', async () => {
    const api = new MockApi();
    const real = await api.report(RETURNED);
    vi.spyOn(api, 'report').mockResolvedValue({ ...real, inspection: { ...real.inspection, status: 'draft', change_count: 1 } });
    render(Report, { props: { doc: RETURNED }, context: apiContext(api) });
    await waitFor(() => expect(screen.getByTestId('not-started').textContent).toBe('未开始'));
    expect(screen.queryByTestId('report-grade')).toBeNull();
  });

  it('renders every item with its answer, points and status', async () => {
    const api = await open(CONFLICTS);
    const view = await api.report(CONFLICTS);
    expect(screen.getByTestId('report-total').textContent).toBe(view.score!.report!.total.toFixed(1));
    expect(screen.getByTestId('report-grade').textContent).toBe('优秀');
    const fire = screen.getByTestId('item-facilities.fire');
    expect(fire.textContent).toContain('消防器材齐全且在有效期内');
    expect(within(fire).getByTestId('answer-facilities.fire').textContent).toContain('是');
    expect(within(fire).getByTestId('answer-facilities.fire').textContent).toContain('李强');
    expect(within(fire).getByTestId('points-facilities.fire').textContent).toBe('10 / 10 分');
    expect(fire.textContent).toContain('达标');
    const hours = screen.getByTestId('item-services.hours');
    expect(hours.textContent).toContain('每天 12 小时以上');
    const survey = screen.getByTestId('item-satisfaction.survey');
    expect(survey.textContent).toContain('8/10');
    expect(survey.textContent).toContain('16 / 20 分');
    // template order
    const ids = screen.getAllByTestId(/^item-/).map((e) => e.dataset.testid);
    expect(ids.slice(0, 3)).toEqual(['item-facilities.sign', 'item-facilities.area', 'item-facilities.fire']);
    expect(screen.getByTestId('time-on-site').textContent).toContain('49 分钟');
  });

  it('shows conflicts side by side with both values and names', async () => {
    await open(CONFLICTS);
    const c = screen.getByTestId('conflict-services.clean');
    expect(c.textContent).toContain('店内整洁程度');
    expect(c.textContent).toContain('王芳');
    expect(c.textContent).toContain('4 · 较好');
    expect(c.textContent).toContain('李强');
    expect(c.textContent).toContain('2 · 较差');
  });

  it('draws one dot per fix and the geofence at the scale of the sketch', async () => {
    const api = await open(CONFLICTS);
    const { document: doc } = await api.report(CONFLICTS);
    const centre = await api.centre(doc.centre_code);
    const svg = screen.getByTestId('gps-svg');
    const dots = within(svg as unknown as HTMLElement).getAllByTestId('gps-fix');
    expect(dots).toHaveLength(doc.gps_fixes.length);
    expect(doc.gps_fixes.length).toBe(3);
    const pxPerM = Number(svg.getAttribute('data-px-per-m'));
    const fence = within(svg as unknown as HTMLElement).getByTestId('gps-fence');
    expect(Number(fence.getAttribute('r'))).toBeCloseTo(centre.geofence_m * pxPerM, 6);
    // the scale bar says the same scale
    const bar = within(svg as unknown as HTMLElement).getByTestId('gps-scale');
    expect(Number(bar.getAttribute('data-px')) / Number(bar.getAttribute('data-metres'))).toBeCloseTo(pxPerM, 6);
    // the centre is in the middle, a fix 100 m north is 100 m × scale above it
    const s = sketch([{ lat: 38 + 100 / 110_540, lon: 114, accuracy_m: 10, source: 'gnss', at: 1, mock: false, by: 'x' }], 38, 114, 150);
    expect(s.dots[0].x).toBeCloseTo(s.size / 2, 6);
    expect(s.size / 2 - s.dots[0].y).toBeCloseTo(100 * s.pxPerM, 6);
    expect(s.fence).toBeCloseTo(150 * s.pxPerM, 6);
  });

  it('time on site spans answers, photos and fixes', () => {
    const span = timeOnSite({
      answers: { a: { answer: { kind: 'yes_no', value: true }, by: 'u', at: 2000 } },
      photos: { p: { sha256: 'p', bytes: 1, mime: 'image/jpeg', width: 1, height: 1, item_id: null, thumbnail: null, taken_at: 5000, gps: null, by: 'u' } },
      gps_fixes: [{ lat: 0, lon: 0, accuracy_m: 1, source: 'gnss', at: 1000, mock: false, by: 'u' }],
    } as never);
    expect(span).toEqual({ start: 1000, end: 5000 });
  });

  it('photo thumbnails, a placeholder for a photo not uploaded yet, and evidence problems', async () => {
    await open(MISSING_PHOTO);
    const thumbs = screen.getAllByTestId('photo-thumb');
    expect(thumbs).toHaveLength(2);
    const missing = thumbs.find((t) => t.dataset.sha!.endsWith('0000'))!;
    await fireEvent.error(missing.querySelector('img')!);
    await waitFor(() => expect(screen.getByText('照片尚未上传')).toBeTruthy());
    expect(screen.getByTestId('evidence-problems').textContent).toContain('商品明码标价 — 缺少必需的照片');
    const other = screen.getAllByTestId('photo-thumb').find((t) => t.tagName === 'BUTTON')!;
    await fireEvent.click(other);
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});

describe('review', () => {
  it('returning requires a comment, then posts the overall and item comments', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'review');
    await open(CONFLICTS, api);
    await fireEvent.click(screen.getByTestId('review-return'));
    await fireEvent.click(screen.getByTestId('review-submit'));
    expect(screen.getByTestId('review-error').textContent).toContain('退回修改需要写意见');
    expect(spy).not.toHaveBeenCalled();

    await fireEvent.input(screen.getByTestId('item-comment-services.clean'), { target: { value: '两人的评分不同，请现场复核。' } });
    await fireEvent.input(screen.getByTestId('review-comment'), { target: { value: '请核实整洁程度。' } });
    await fireEvent.click(screen.getByTestId('review-submit'));
    await waitFor(() => expect(spy).toHaveBeenCalledWith(CONFLICTS, {
      status: 'returned', comment: '请核实整洁程度。', item_comments: { 'services.clean': '两人的评分不同，请现场复核。' },
    }));
    await waitFor(() => expect(screen.getByTestId('review-status').textContent).toBe('已退回'));
    const hist = screen.getByTestId('review-history');
    expect(hist.textContent).toContain('请核实整洁程度。');
    expect(hist.textContent).toContain('两人的评分不同，请现场复核。');
    expect(screen.queryByTestId('item-comment-services.clean')).toBeNull();
  });

  it('an item comment alone is enough to return', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'review');
    await open(CONFLICTS, api);
    await fireEvent.click(screen.getByTestId('review-return'));
    await fireEvent.input(screen.getByTestId('item-comment-facilities.sign'), { target: { value: '补拍门头' } });
    await fireEvent.click(screen.getByTestId('review-submit'));
    await waitFor(() => expect(spy).toHaveBeenCalledWith(CONFLICTS, { status: 'returned', comment: '', item_comments: { 'facilities.sign': '补拍门头' } }));
  });

  it('approving posts approved; history keeps the earlier return and the re-score history', async () => {
    const api = new MockApi();
    const spy = vi.spyOn(api, 'review');
    await open(RETURNED, api);
    expect(screen.getByTestId('review-status').textContent).toBe('已退回');
    expect(screen.getByTestId('score-history').querySelectorAll('tbody tr')).toHaveLength(2);
    expect(screen.getByTestId('score-history').textContent).toContain('照片上传后重新评分');
    await fireEvent.click(screen.getByTestId('review-approve'));
    await fireEvent.click(screen.getByTestId('review-submit'));
    await waitFor(() => expect(spy).toHaveBeenCalledWith(RETURNED, { status: 'approved', comment: '', item_comments: {} }));
    await waitFor(() => expect(screen.getByTestId('review-status').textContent).toBe('已通过'));
    const hist = screen.getByTestId('review-history');
    expect(hist.textContent).toContain('已通过');
    expect(hist.textContent).toContain('门头照片看不清字样，请补拍。'); // the earlier return, now in history
  });
});
