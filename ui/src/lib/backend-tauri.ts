import { invoke } from '@tauri-apps/api/core';
import type { AppError, Backend } from './backend';
import { isAppError } from './backend';
import { SerialQueue } from './serial';
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

// Tauri runs async commands concurrently, so two edits sent back to back may
// be committed in either order (an older note overwriting a newer one). Every
// call that changes something waits for the one before it to settle; reads
// go straight through.
const writes = new SerialQueue();

function write<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  return writes.run(() => call<T>(cmd, args));
}

export class TauriBackend implements Backend {
  status() { return call<AppStatus>('status'); }
  setLanguage(language: Language) { return write<void>('set_language', { language }); }
  enrol(req: EnrolRequest) { return write<Me>('enrol', { req }); }
  centres() { return call<CentreCard[]>('centres'); }
  centre(code: string) { return call<CentreDetail>('centre', { code }); }
  inspection(doc: string) { return call<InspectionView>('inspection', { doc }); }
  setAnswer(doc: string, item: string, answer: Answer) {
    return write<InspectionView>('set_answer', { doc, item, answer });
  }
  markNotApplicable(doc: string, item: string) { return write<InspectionView>('mark_not_applicable', { doc, item }); }
  clearAnswer(doc: string, item: string) { return write<InspectionView>('clear_answer', { doc, item }); }
  setNotes(doc: string, item: string | null, text: string, base?: string) {
    return write<InspectionView>('set_notes', { doc, item, text, base: base ?? null });
  }
  addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView> {
    // Raw body instead of a JSON number array: a 4 MB photo would otherwise
    // become ~15 MB of JSON on a low-end phone.
    return writes.run(async () => {
      try {
        return await invoke<InspectionView>('add_photo', bytes, { headers: { 'x-doc': doc, 'x-item': item ?? '' } });
      } catch (e) {
        throw toAppError(e);
      }
    });
  }
  async thumbnail(sha256: string): Promise<Uint8Array> {
    const buf = await call<ArrayBuffer>('thumbnail', { sha256 });
    return new Uint8Array(buf);
  }
  addFix(doc: string, fix: FixInput) { return write<InspectionView>('add_fix', { doc, fix }); }
  resolveConflict(doc: string, item: string, choice: number) {
    return write<InspectionView>('resolve_conflict', { doc, item, choice });
  }
  signOff(doc: string) { return write<InspectionView>('sign_off', { doc }); }
  syncStatus() { return call<SyncPanel>('sync_status'); }
  // Queued too: "sync now" right after a sign-off must see the signature.
  syncNow() { return write<void>('sync_now'); }
  exportLog() { return call<string>('export_log'); }
}
