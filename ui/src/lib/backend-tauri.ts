// The inspector app's backend: the generated command wrappers
// (backend.gen.ts, from src-tauri/src/commands.rs) plus the commands whose
// transport is not JSON.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AppEvents } from './backend';
import { COMMANDS, EVENTS, TauriCommands } from './backend.gen';
import { call, toAppError, writes } from './tauri-call';
import type { InspectionView, SyncPanel } from './types.gen';

export class TauriBackend extends TauriCommands implements AppEvents {
  onSyncPanel(listener: (panel: SyncPanel) => void): () => void {
    const stop = listen<SyncPanel>(EVENTS.syncPanel, (e) => listener(e.payload));
    return () => { stop.then((f) => f(), () => {}); };
  }

  addPhoto(doc: string, item: string | null, bytes: Uint8Array): Promise<InspectionView> {
    // Raw body instead of a JSON number array: a 4 MB photo would otherwise
    // become ~15 MB of JSON on a low-end phone.
    return writes.run(async () => {
      try {
        return await invoke<InspectionView>(COMMANDS.addPhoto, bytes, { headers: { 'x-doc': doc, 'x-item': item ?? '' } });
      } catch (e) {
        throw toAppError(e);
      }
    });
  }

  async thumbnail(sha256: string): Promise<Uint8Array> {
    const buf = await call<ArrayBuffer>(COMMANDS.thumbnail, { sha256 });
    return new Uint8Array(buf);
  }
}
