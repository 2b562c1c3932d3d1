// The UI's only door to data. Its interface, `Backend`, is generated from the
// app's commands (src-tauri/src/commands.rs → backend.gen.ts). Three
// implementations:
// - TauriBackend (src/lib/backend-tauri.ts): the inspector app, `invoke` into
//   src-tauri, which delegates to xuncha-client's `App` (crates/client/src/app.rs);
// - MockBackend (src/lib/backend-mock.ts): component tests and UI development;
// - the supervisor dashboard's HTTP backend implements its own interface over
//   the server's REST API.
// Every method rejects with an `AppError` ({code, message}); codes mirror
// `ErrorCode` in crates/client/src/app.rs.
import type { ErrorCode } from './types.gen';

import type { Backend as Commands } from './backend.gen';
import type { SyncPanel } from './types.gen';

/** What the app pushes to the page instead of being polled. */
export interface AppEvents {
  /** Calls `listener` with the sync panel whenever the sync state or the
   * unsynced work changes; returns how to stop listening. */
  onSyncPanel(listener: (panel: SyncPanel) => void): () => void;
}

export type Backend = Commands & AppEvents;

export interface AppError {
  code: ErrorCode;
  message: string;
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}
