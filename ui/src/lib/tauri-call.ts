// How the generated TauriCommands (backend.gen.ts) reach Rust: `invoke`,
// with every rejection normalised to an AppError, and writes queued.
import { invoke } from '@tauri-apps/api/core';
import type { AppError } from './backend';
import { isAppError } from './backend';
import { SerialQueue } from './serial';

// Rust commands reject with `{code, message}`; anything else (a panic message,
// a missing command) is a bare string or Error and becomes 'internal'.
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : JSON.stringify(e);
  return { code: 'internal', message };
}

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
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
export const writes = new SerialQueue();

export function write<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  return writes.run(() => call<T>(cmd, args));
}
