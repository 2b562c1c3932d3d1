import { invoke } from '@tauri-apps/api/core';
import type { AppError, Backend } from './backend';
import { isAppError } from './backend';
import type {
  Answer, AppStatus, CentreCard, CentreDetail, EnrolRequest, FixInput, InspectionView, Language, Me, SyncPanel,
} from './types.gen';

// Rust commands reject with `{code, message}`; anything else (a panic message,
// a missing command) is a bare string or Error and becomes 'internal'.
function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : JSON.stringify(e);
  return { code: 'internal', message };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export class TauriBackend implements Backend {
  status() { return call<AppStatus>('status'); }
  setLanguage(language: Language) { return call<void>('set_language', { language }); }
  enrol(req: EnrolRequest) { return call<Me>('enrol', { req }); }
  centres() { return call<CentreCard[]>('centres'); }
  centre(code: string) { return call<CentreDetail>('centre', { code }); }
  inspection(doc: string) { return call<InspectionView>('inspection', { doc }); }
  setAnswer(doc: string, item: string, answer: Answer) {
    return call<InspectionView>('set_answer', { doc, item, answer });
  }
  markNotApplicable(doc: string, item: string) { return call<InspectionView>('mark_not_applicable', { doc, item }); }
  clearAnswer(doc: string, item: string) { return call<InspectionView>('clear_answer', { doc, item }); }
  setNotes(doc: string, item: string | null, text: string) {
    return call<InspectionView>('set_notes', { doc, item, text });
  }
  async addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView> {
    // Raw body instead of a JSON number array: a 4 MB photo would otherwise
    // become ~15 MB of JSON on a low-end phone.
    try {
      return await invoke<InspectionView>('add_photo', bytes, { headers: { 'x-doc': doc, 'x-item': item ?? '' } });
    } catch (e) {
      throw toAppError(e);
    }
  }
  async thumbnail(sha256: string): Promise<Uint8Array> {
    const buf = await call<ArrayBuffer>('thumbnail', { sha256 });
    return new Uint8Array(buf);
  }
  addFix(doc: string, fix: FixInput) { return call<InspectionView>('add_fix', { doc, fix }); }
  resolveConflict(doc: string, item: string, choice: number) {
    return call<InspectionView>('resolve_conflict', { doc, item, choice });
  }
  signOff(doc: string) { return call<InspectionView>('sign_off', { doc }); }
  syncStatus() { return call<SyncPanel>('sync_status'); }
  syncNow() { return call<void>('sync_now'); }
}
