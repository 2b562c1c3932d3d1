// DO NOT EDIT. Generated from src-tauri/src/commands.rs by its test;
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-app`.
import type { Answer, AppStatus, CentreCard, CentreDetail, EnrolRequest, FixInput, HandoffReport, HandoffState, InspectionView, Language, Me, RespondentInput, SyncPanel } from './types.gen';
import { call, write } from './tauri-call';

/** The app's commands (src-tauri/src/commands.rs), as the UI calls them. */
export interface Backend {
  /** Who is enrolled, the chosen language, the platform. */
  status(): Promise<AppStatus>;
  setLanguage(language: Language): Promise<void>;
  /** First run: enrol this device with a server account. */
  enrol(req: EnrolRequest): Promise<Me>;
  /** My centres: one card per assignment (not cancelled), newest quarter first. */
  centres(): Promise<CentreCard[]>;
  centre(code: string): Promise<CentreDetail>;
  /** The checklist screen's whole state, recomputed after every edit. */
  inspection(doc: string): Promise<InspectionView>;
  setAnswer(doc: string, item: string, answer: Answer): Promise<InspectionView>;
  /** Records one person asked on site (现场随访) on a respondents item. */
  addRespondent(doc: string, item: string, respondent: RespondentInput): Promise<InspectionView>;
  /** Removes a respondent this device's user recorded (`index` in the item's list). */
  removeRespondent(doc: string, item: string, index: number): Promise<InspectionView>;
  markNotApplicable(doc: string, item: string): Promise<InspectionView>;
  clearAnswer(doc: string, item: string): Promise<InspectionView>;
  /**
   * `item` null: the inspection's general notes.
   * `base` is the note as the screen had it before this edit: words a sync
   * merged in since are kept (the device rebases the edit onto them).
   */
  setNotes(doc: string, item: string | null, text: string, base?: string | null): Promise<InspectionView>;
  /**
   * Photo bytes as captured (JPEG, PNG or WebP); the device processes them.
   * They travel as the raw request body (no JSON array of numbers); the
   * inspection and item in the `x-doc` and `x-item` headers.
   */
  addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView>;
  /** A thumbnail's bytes (JPEG) by its hash, as a raw response. */
  thumbnail(sha256: string): Promise<Uint8Array>;
  addFix(doc: string, fix: FixInput): Promise<InspectionView>;
  /**
   * Keeps the `choice`-th value of a conflicting answer (index into
   * `snapshot.conflicts[].values`).
   */
  resolveConflict(doc: string, item: string, choice: number): Promise<InspectionView>;
  signOff(doc: string): Promise<InspectionView>;
  syncStatus(): Promise<SyncPanel>;
  /** Queued like an edit: "sync now" right after a sign-off must see the signature. */
  syncNow(): Promise<void>;
  /**
   * Hand-off on site: waits for a co-inspector's phone; shows a link (QR
   * code), this phone's address and an 8-digit code.
   */
  handoffOffer(): Promise<HandoffState>;
  /** The offer's state: waiting, done (what was exchanged) or failed. */
  handoffStatus(): Promise<HandoffState>;
  /** Joins the phone at `address` (ip:port, or its whole link) with its code. */
  handoffJoin(address: string, code: string): Promise<HandoffReport>;
  handoffCancel(): Promise<void>;
  /**
   * Saves the device's log for support, in Downloads where there is one;
   * resolves to the file's path.
   */
  exportLog(): Promise<string>;
}

/** The Tauri command behind each method. */
export const COMMANDS = {
  status: 'status',
  setLanguage: 'set_language',
  enrol: 'enrol',
  centres: 'centres',
  centre: 'centre',
  inspection: 'inspection',
  setAnswer: 'set_answer',
  addRespondent: 'add_respondent',
  removeRespondent: 'remove_respondent',
  markNotApplicable: 'mark_not_applicable',
  clearAnswer: 'clear_answer',
  setNotes: 'set_notes',
  addPhoto: 'add_photo',
  thumbnail: 'thumbnail',
  addFix: 'add_fix',
  resolveConflict: 'resolve_conflict',
  signOff: 'sign_off',
  syncStatus: 'sync_status',
  syncNow: 'sync_now',
  handoffOffer: 'handoff_offer',
  handoffStatus: 'handoff_status',
  handoffJoin: 'handoff_join',
  handoffCancel: 'handoff_cancel',
  exportLog: 'export_log',
} as const;

/** Events the app pushes to the page (src-tauri/src/lib.rs). */
export const EVENTS = {
  syncPanel: 'sync-panel',
} as const;

/**
 * Reads go straight through; writes wait for the write before them to
 * settle (Tauri runs commands concurrently). `custom` commands are
 * implemented by `TauriBackend` (backend-tauri.ts).
 */
export abstract class TauriCommands implements Backend {
  status() { return call<AppStatus>('status'); }
  setLanguage(language: Language) { return write<void>('set_language', { language }); }
  enrol(req: EnrolRequest) { return write<Me>('enrol', { req }); }
  centres() { return call<CentreCard[]>('centres'); }
  centre(code: string) { return call<CentreDetail>('centre', { code }); }
  inspection(doc: string) { return call<InspectionView>('inspection', { doc }); }
  setAnswer(doc: string, item: string, answer: Answer) { return write<InspectionView>('set_answer', { doc, item, answer }); }
  addRespondent(doc: string, item: string, respondent: RespondentInput) { return write<InspectionView>('add_respondent', { doc, item, respondent }); }
  removeRespondent(doc: string, item: string, index: number) { return write<InspectionView>('remove_respondent', { doc, item, index }); }
  markNotApplicable(doc: string, item: string) { return write<InspectionView>('mark_not_applicable', { doc, item }); }
  clearAnswer(doc: string, item: string) { return write<InspectionView>('clear_answer', { doc, item }); }
  setNotes(doc: string, item: string | null, text: string, base?: string | null) { return write<InspectionView>('set_notes', { doc, item: item ?? null, text, base: base ?? null }); }
  abstract addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView>;
  abstract thumbnail(sha256: string): Promise<Uint8Array>;
  addFix(doc: string, fix: FixInput) { return write<InspectionView>('add_fix', { doc, fix }); }
  resolveConflict(doc: string, item: string, choice: number) { return write<InspectionView>('resolve_conflict', { doc, item, choice }); }
  signOff(doc: string) { return write<InspectionView>('sign_off', { doc }); }
  syncStatus() { return call<SyncPanel>('sync_status'); }
  syncNow() { return write<void>('sync_now'); }
  handoffOffer() { return write<HandoffState>('handoff_offer'); }
  handoffStatus() { return call<HandoffState>('handoff_status'); }
  handoffJoin(address: string, code: string) { return write<HandoffReport>('handoff_join', { address, code }); }
  handoffCancel() { return write<void>('handoff_cancel'); }
  exportLog() { return call<string>('export_log'); }
}
