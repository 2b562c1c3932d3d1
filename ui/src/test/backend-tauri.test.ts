// Edits must reach the Rust side in the order they were made: Tauri runs
// async commands concurrently, so the page sends one only after the last one
// has settled.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Pending = { cmd: string; args: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const pending: Pending[] = [];
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (cmd: string, args: unknown) => new Promise((resolve, reject) => pending.push({ cmd, args, resolve, reject })),
}));

const listeners = new Map<string, (e: { payload: unknown }) => void>();
let unlistened = 0;
vi.mock('@tauri-apps/api/event', () => ({
  listen: async (name: string, cb: (e: { payload: unknown }) => void) => {
    listeners.set(name, cb);
    return () => { unlistened++; listeners.delete(name); };
  },
}));

const { TauriBackend } = await import('../lib/backend-tauri');
const tick = () => new Promise((r) => setTimeout(r, 0));
const sent = () => pending.map((p) => p.cmd);

beforeEach(() => { pending.length = 0; });

describe('TauriBackend', () => {
  it('hears the sync panel the app pushes, until told to stop', async () => {
    const b = new TauriBackend();
    const seen: unknown[] = [];
    const stop = b.onSyncPanel((p) => seen.push(p));
    await tick();
    listeners.get('sync-panel')!({ payload: { pending_documents: 2 } });
    expect(seen).toEqual([{ pending_documents: 2 }]);
    stop();
    await tick();
    expect(unlistened).toBe(1);
    expect(listeners.has('sync-panel')).toBe(false);
  });

  it('sends each edit after the one before has settled, in order, even after a failure', async () => {
    const b = new TauriBackend();
    const results: string[] = [];
    const note = (p: Promise<unknown>, name: string) => p.then(() => results.push(`${name} ok`), () => results.push(`${name} failed`));
    note(b.setAnswer('d', 'a', { kind: 'yes_no', value: true }), 'answer');
    note(b.setNotes('d', 'a', 'x'), 'notes');
    note(b.addPhoto('d', null, new Uint8Array([1])), 'photo');
    note(b.addFix('d', { lat: 1, lon: 2, accuracy_m: 5, source: 'manual', mock: null }), 'fix');
    note(b.signOff('d'), 'sign');
    await tick();
    expect(sent()).toEqual(['set_answer']);

    pending[0].reject({ code: 'storage', message: 'disk full' });
    await tick();
    expect(sent()).toEqual(['set_answer', 'set_notes']);
    expect(results).toEqual(['answer failed']);

    for (let i = 1; i < 5; i++) {
      pending[i].resolve({});
      await tick();
    }
    expect(sent()).toEqual(['set_answer', 'set_notes', 'add_photo', 'add_fix', 'sign_off']);
    expect(results).toEqual(['answer failed', 'notes ok', 'photo ok', 'fix ok', 'sign ok']);
  });

  it('every kind of edit waits its turn; reads do not', async () => {
    const b = new TauriBackend();
    void b.clearAnswer('d', 'a');
    void b.markNotApplicable('d', 'a');
    void b.resolveConflict('d', 'a', 1);
    void b.setLanguage('en');
    void b.syncNow();
    void b.inspection('d');
    void b.syncStatus();
    await tick();
    expect(sent().sort()).toEqual(['clear_answer', 'inspection', 'sync_status']);
    const settle = async (cmd: string) => { pending.find((p) => p.cmd === cmd)!.resolve({}); await tick(); };
    const edits = () => sent().filter((c) => c !== 'inspection' && c !== 'sync_status');
    await settle('clear_answer');
    expect(edits()).toEqual(['clear_answer', 'mark_not_applicable']);
    await settle('mark_not_applicable');
    await settle('resolve_conflict');
    await settle('set_language');
    expect(edits()).toEqual(['clear_answer', 'mark_not_applicable', 'resolve_conflict', 'set_language', 'sync_now']);
    await settle('sync_now'); // the queue is the module's: leave it empty
  });
});
