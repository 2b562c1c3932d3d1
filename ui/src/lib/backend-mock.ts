// In-memory Backend for UI development (`npm run dev` in a plain browser) and
// component tests. Behaves like the device: edits recompute the report,
// signing locks the inspection, sync pretends to upload with progress.
import type { AppError, Backend } from './backend';
import { CENTRES, ME, OTHER, seeds, TEMPLATE, type Seed } from './mock-data';
import { checkFix, computeReport } from './mock-report';
import type {
  Answer, AppStatus, CentreCard, CentreDetail, EnrolRequest, FixInput, HandoffReport, HandoffState, InspectionSnapshot,
  InspectionView, Language, Me, PhotoSync, Platform, RespondentInput, Stage, SyncPanel, SyncState,
} from './types.gen';

// A 1×1 grey PNG: seeded photos have no real bytes.
const PIXEL = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mO8cOHCfwAHxAMVk1zKDQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

export type MockOptions = { enrolled?: boolean; platform?: Platform; language?: Language; syncTickMs?: number };

const fail = (code: AppError['code'], message: string): AppError => ({ code, message });
const clone = <T>(x: T): T => structuredClone(x);

export class MockBackend implements Backend {
  me: Me | null;
  serverUrl: string | null;
  language: Language;
  platform: Platform;
  docs: Seed[] = seeds();
  blobs = new Map<string, Uint8Array>([['a1b2c3-t', PIXEL]]);
  photoSync = new Map<string, PhotoSync>([
    ['a1b2c3', { sha256: 'a1b2c3', uploaded: 0, size: 812_000, failed: '服务器暂时不可用 (503)' }],
  ]);
  private sync: SyncState = { state: 'offline', reason: 'no network', retry_in_ms: 30_000 };
  private listeners = new Set<(panel: SyncPanel) => void>();

  get syncState(): SyncState { return this.sync; }
  /// Setting the state tells the listeners, as the app's event does.
  set syncState(s: SyncState) { this.sync = s; this.changed(); }

  onSyncPanel(listener: (panel: SyncPanel) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /// After the change has landed: listeners read the new panel.
  private changed() {
    queueMicrotask(() => { void this.syncStatus().then((p) => { for (const l of this.listeners) l(p); }); });
  }
  lastSuccess: number | null = Date.now() - 26 * 3600_000;
  private counter = 0;
  private tickMs: number;

  constructor(opts: MockOptions = {}) {
    this.me = opts.enrolled === false ? null : ME;
    this.serverUrl = this.me ? 'http://192.168.1.10:8080' : null;
    this.language = opts.language ?? 'zh-CN';
    this.platform = opts.platform ?? 'desktop';
    this.tickMs = opts.syncTickMs ?? 400;
  }

  async status(): Promise<AppStatus> {
    return { me: this.me, server_url: this.serverUrl, language: this.language, platform: this.platform, version: '0.1.0-mock' };
  }
  async setLanguage(language: Language) { this.language = language; }

  /// Server `offline.invalid` → offline; password `wrong` → unauthorized.
  async enrol(req: EnrolRequest): Promise<Me> {
    let url: URL;
    try { url = new URL(req.server_url); } catch { throw fail('bad_input', `not a server address: ${req.server_url}`); }
    if (url.hostname === 'offline.invalid') throw fail('offline', 'connection refused');
    if (req.password === 'wrong') throw fail('unauthorized', 'bad credentials');
    this.me = { username: req.username, display_name: req.username === ME.username ? ME.display_name : req.username };
    this.serverUrl = req.server_url;
    return this.me;
  }

  private seed(doc: string): Seed & { snapshot: InspectionSnapshot } {
    const s = this.docs.find((d) => d.doc === doc);
    if (!s) throw fail('unknown_inspection', doc);
    if (!s.snapshot) throw fail('unknown_inspection', `${doc} not downloaded yet`);
    return s as Seed & { snapshot: InspectionSnapshot };
  }

  private centreOf(code: string) {
    const c = CENTRES.find((x) => x.code === code);
    if (!c) throw fail('unknown_centre', code);
    return c;
  }

  private card(s: Seed): CentreCard {
    // Computed and text items are never "answered" in the answers map.
    const answerable = TEMPLATE.sections.flatMap((x) => x.items).filter((i) => i.answer.type !== 'computed' && i.answer.type !== 'text').length;
    const centre = this.centreOf(s.code);
    const report = s.snapshot ? computeReport(TEMPLATE, centre, s.snapshot) : null;
    const fix = s.snapshot?.gps_fixes.at(-1);
    return {
      assignment: this.docs.indexOf(s) + 1, quarter: s.quarter, purpose: 'routine', doc: s.doc, centre, centre_code: s.code, stage: s.stage,
      answered: s.snapshot ? Object.keys(s.snapshot.answers).length : 0, items: report ? answerable : 0,
      unsynced: s.unsynced, refused: s.refused,
      distance_m: fix ? checkFix(fix, centre, 50).distance_m : null,
      total: report && s.stage !== 'not_started' ? report.total : null,
      grade: report && s.stage !== 'not_started' ? report.grade : null,
    };
  }

  async centres() { return this.docs.map((s) => this.card(s)); }

  async centre(code: string): Promise<CentreDetail> {
    const centre = this.centreOf(code);
    const cards = this.docs.filter((d) => d.code === code).map((s) => this.card(s));
    const last = code === '130102-101'
      ? { doc: 'doc-101-2025q1', stage: 'approved' as Stage, total: 86.5, grade: 'good' as const, started_at: Date.UTC(2025, 2, 20) }
      : null;
    const official = code === '130102-101' ? { quarter: '2025Q1', total: 86.5, grade: 'good' as const, status: 'approved' as const } : null;
    return { centre, cards, last, official };
  }

  private view(s: Seed & { snapshot: InspectionSnapshot }): InspectionView {
    const centre = this.centreOf(s.code);
    const report = computeReport(TEMPLATE, centre, s.snapshot);
    const fix = s.snapshot.gps_fixes.at(-1);
    return clone({
      doc: s.doc, quarter: s.quarter, centre, template: TEMPLATE, snapshot: s.snapshot, report, stage: s.stage ?? 'not_started',
      unsynced: s.unsynced, refused: s.refused, me: this.me?.username ?? '', signed_by_me: !!this.me && s.snapshot.sign_offs[this.me.username] != null && s.stage === 'signed',
      position: fix ? checkFix(fix, centre, TEMPLATE.location.required_accuracy_m) : null,
    });
  }

  async inspection(doc: string) { return this.view(this.seed(doc)); }

  private edit(doc: string, item: string | null, f: (snap: InspectionSnapshot) => void): InspectionView {
    const s = this.seed(doc);
    if (s.stage === 'signed' || s.stage === 'synced' || s.stage === 'approved') throw fail('bad_input', `${doc} is signed; it cannot be changed`);
    if (item !== null && !TEMPLATE.sections.some((sec) => sec.items.some((i) => i.id === item))) throw fail('unknown_item', item);
    f(s.snapshot);
    s.snapshot.inspectors[ME.username] ??= ME.display_name;
    if (s.stage === 'not_started') s.stage = 'draft';
    s.unsynced = true;
    this.changed();
    return this.view(s);
  }

  private put(snap: InspectionSnapshot, item: string, answer: Answer) {
    snap.answers[item] = { answer, by: this.me?.username ?? ME.username, at: Date.now() };
    snap.conflicts = snap.conflicts.filter((c) => c.item !== item);
  }

  async setAnswer(doc: string, item: string, answer: Answer) {
    return this.edit(doc, item, (snap) => this.put(snap, item, answer));
  }
  async addRespondent(doc: string, item: string, respondent: RespondentInput) {
    const phone = respondent.phone?.trim() || null;
    if (phone && !/^[0-9+\- ]{5,20}$/.test(phone)) throw fail('bad_input', 'a phone number is 5–20 digits, with + - or spaces');
    return this.edit(doc, item, (snap) => {
      const list = (snap.respondents ??= {})[item] ??= [];
      list.push({ at: Date.now(), satisfied: respondent.satisfied, opinion: respondent.opinion?.trim() || undefined,
        phone: phone ?? undefined, by: ME.username });
    });
  }
  async removeRespondent(doc: string, item: string, index: number) {
    return this.edit(doc, item, (snap) => {
      const list = snap.respondents?.[item] ?? [];
      if (list[index]?.by !== ME.username) throw fail('bad_input', 'only the inspector who recorded a respondent removes it');
      list.splice(index, 1);
    });
  }
  async markNotApplicable(doc: string, item: string) {
    const it = TEMPLATE.sections.flatMap((s) => s.items).find((i) => i.id === item);
    if (it && !it.na_allowed) throw fail('invalid_answer', `${item} cannot be not applicable`);
    return this.edit(doc, item, (snap) => this.put(snap, item, { kind: 'not_applicable' }));
  }
  async clearAnswer(doc: string, item: string) {
    return this.edit(doc, item, (snap) => { delete snap.answers[item]; snap.conflicts = snap.conflicts.filter((c) => c.item !== item); });
  }
  async setNotes(doc: string, item: string | null, text: string) {
    return this.edit(doc, item, (snap) => { if (item === null) snap.notes = text; else snap.item_notes[item] = text; });
  }
  async addPhoto(doc: string, item: string | null, bytes: Uint8Array) {
    if (bytes.length === 0) throw fail('photo', 'empty file');
    const sha = `mock${(++this.counter).toString(16).padStart(8, '0')}`;
    this.blobs.set(`${sha}-t`, bytes);
    this.photoSync.set(sha, { sha256: sha, uploaded: 0, size: bytes.length, failed: null });
    return this.edit(doc, item, (snap) => {
      snap.photos[sha] = { sha256: sha, bytes: bytes.length, mime: 'image/jpeg', width: 0, height: 0, item_id: item,
        thumbnail: `${sha}-t`, taken_at: Date.now(), gps: snap.gps_fixes.at(-1) ?? null, by: ME.username };
    });
  }
  async thumbnail(sha256: string) {
    const b = this.blobs.get(sha256);
    if (!b) throw fail('photo', `no thumbnail ${sha256}`);
    return b;
  }
  async addFix(doc: string, fix: FixInput) {
    return this.edit(doc, null, (snap) => { snap.gps_fixes.push({ ...fix, at: Date.now(), by: ME.username }); });
  }
  async resolveConflict(doc: string, item: string, choice: number) {
    return this.edit(doc, item, (snap) => {
      const c = snap.conflicts.find((x) => x.item === item);
      const v = c?.values[choice];
      if (!v) throw fail('bad_input', `no value ${choice} for ${item}`);
      snap.answers[item] = { ...v, at: Date.now() };
      snap.conflicts = snap.conflicts.filter((x) => x.item !== item);
    });
  }
  async signOff(doc: string) {
    const v = this.edit(doc, null, (snap) => { snap.sign_offs[ME.username] = Date.now(); });
    const s = this.seed(doc);
    s.stage = 'signed';
    return { ...v, stage: 'signed' as Stage, signed_by_me: true };
  }

  async syncStatus(): Promise<SyncPanel> {
    return clone({
      state: this.syncState, pending_documents: this.docs.filter((d) => d.unsynced).length,
      photos: [...this.photoSync.values()].filter((p) => p.uploaded < p.size), last_success: this.lastSuccess,
      refused: this.docs.filter((d) => d.refused).map((d) => ({ doc: d.doc, centre_code: d.code,
        centre_name: this.centreOf(d.code).name, reason: d.refused! })),
      server_url: this.serverUrl,
    });
  }

  /// Pretends to sync: photos upload in steps, then documents are marked
  /// synced and the not-yet-downloaded inspection arrives.
  async exportLog() {
    return '/home/demo/Downloads/xuncha-log-1796000000000.txt';
  }

  /// A pretend hand-off: the offer waits until joined (by handoffJoin on
  /// this mock, or a test setting `handoff`); joining with 1234-5678 at any
  /// address exchanges the first assigned inspection with 李强.
  handoff: HandoffState = { state: 'idle' };

  private handoffReport(): HandoffReport {
    const d = this.docs.find((x) => x.snapshot) ?? this.docs[0];
    return { peer: { username: OTHER.username, display_name: OTHER.display_name, device: 7 },
      docs: [{ doc: d.doc, centre_code: d.code, centre_name: this.centreOf(d.code).name, sent: 3, received: 2, refused: null }] };
  }

  async handoffOffer() {
    this.handoff = { state: 'waiting', link: 'xuncha-handoff://192.168.43.1:47000/1234-5678', address: '192.168.43.1:47000',
      code: '1234-5678', until: Date.now() + 300_000 };
    return clone(this.handoff);
  }

  async handoffStatus() { return clone(this.handoff); }

  async handoffJoin(address: string, code: string) {
    if (!address.trim()) throw fail('bad_input', 'the address is the other phone\'s, as it shows it (ip:port)');
    if (code.trim() !== '1234-5678' && !address.includes('1234-5678')) {
      throw fail('handoff', 'the pairing code does not match the other device\'s');
    }
    const report = this.handoffReport();
    this.handoff = { state: 'done', report };
    this.changed();
    return clone(report);
  }

  async handoffCancel() {
    if (this.handoff.state === 'waiting') this.handoff = { state: 'idle' };
  }

  async syncNow() {
    if (this.syncState.state === 'syncing') return;
    for (const p of this.photoSync.values()) p.failed = null;
    const docs = this.docs.filter((d) => d.unsynced).length;
    const pending = () => [...this.photoSync.values()].filter((p) => p.uploaded < p.size);
    const photos = pending().length;
    this.syncState = { state: 'syncing', documents: docs, photos, photos_left: photos };
    const timer = setInterval(() => {
      const left = pending();
      if (left.length > 0) {
        const p = left[0];
        p.uploaded = Math.min(p.size, p.uploaded + Math.ceil(p.size / 3));
        this.syncState = { state: 'syncing', documents: docs, photos, photos_left: pending().length };
        return;
      }
      clearInterval(timer);
      for (const d of this.docs) {
        d.unsynced = false;
        if (d.stage === 'signed') d.stage = 'synced';
        if (d.stage === null) {
          d.stage = 'not_started';
          d.snapshot = { centre_code: d.code, template: { id: TEMPLATE.id, version: TEMPLATE.version }, purpose: 'routine', created_by: OTHER.username,
            created_at: Date.now(), inspectors: {}, answers: {}, conflicts: [], notes: '', item_notes: {}, photos: {},
            gps_fixes: [], sign_offs: {}, review: null };
        }
      }
      this.lastSuccess = Date.now();
      this.syncState = { state: 'up_to_date', at: this.lastSuccess };
    }, this.tickMs);
  }
}
