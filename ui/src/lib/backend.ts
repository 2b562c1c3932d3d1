// The UI's only door to data. Three implementations:
// - TauriBackend (src/lib/backend-tauri.ts): the inspector app, `invoke` into
//   src-tauri, which delegates to xuncha-client's `App` (crates/client/src/app.rs);
// - MockBackend (src/lib/backend-mock.ts): component tests and UI development;
// - the supervisor dashboard's HTTP backend (issue 6) implements its own
//   interface over the server's REST API.
// Every method rejects with an `AppError` ({code, message}); codes mirror
// `ErrorCode` in crates/client/src/app.rs.
import type {
  Answer,
  AppStatus,
  CentreCard,
  CentreDetail,
  EnrolRequest,
  ErrorCode,
  FixInput,
  InspectionView,
  Language,
  Me,
  SyncPanel,
} from './types.gen';

export interface AppError {
  code: ErrorCode;
  message: string;
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

export interface Backend {
  /// Who is enrolled, the chosen language, the platform.
  status(): Promise<AppStatus>;
  setLanguage(language: Language): Promise<void>;
  /// First run: enrol this device with a server account.
  enrol(req: EnrolRequest): Promise<Me>;

  /// My centres: one card per assignment (not cancelled), newest quarter first.
  centres(): Promise<CentreCard[]>;
  centre(code: string): Promise<CentreDetail>;

  /// The checklist screen's whole state, recomputed after every edit.
  inspection(doc: string): Promise<InspectionView>;
  setAnswer(doc: string, item: string, answer: Answer): Promise<InspectionView>;
  markNotApplicable(doc: string, item: string): Promise<InspectionView>;
  clearAnswer(doc: string, item: string): Promise<InspectionView>;
  /// `item` null: the inspection's general notes.
  /// `base` is the note as the screen had it before this edit: words a sync
  /// merged in since are kept (the device rebases the edit onto them).
  setNotes(doc: string, item: string | null, text: string, base?: string): Promise<InspectionView>;
  /// Photo bytes as captured (JPEG, PNG or WebP); the device processes them.
  addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView>;
  /// A thumbnail's bytes (JPEG) by its hash.
  thumbnail(sha256: string): Promise<Uint8Array>;
  addFix(doc: string, fix: FixInput): Promise<InspectionView>;
  /// Keeps the `choice`-th value of a conflicting answer (index into
  /// `snapshot.conflicts[].values`).
  resolveConflict(doc: string, item: string, choice: number): Promise<InspectionView>;
  signOff(doc: string): Promise<InspectionView>;

  syncStatus(): Promise<SyncPanel>;
  syncNow(): Promise<void>;
  /** Saves the device's log for support; resolves to the file's path. */
  exportLog(): Promise<string>;
}
