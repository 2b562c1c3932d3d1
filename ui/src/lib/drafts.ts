// Half-typed values that the document cannot hold yet (a sample with only
// the number asked) are kept on this device, synchronously, so closing the
// app does not lose them; they are dropped once the answer is complete.
const PREFIX = 'xuncha.draft.';

export function readDraft<T>(key: string): T | null {
  try {
    const s = localStorage.getItem(PREFIX + key);
    return s ? (JSON.parse(s) as T) : null;
  } catch {
    return null;
  }
}

export function writeDraft(key: string, value: unknown): void {
  try { localStorage.setItem(PREFIX + key, JSON.stringify(value)); } catch { /* storage full or disabled: nothing better to do */ }
}

export function dropDraft(key: string): void {
  try { localStorage.removeItem(PREFIX + key); } catch { /* as above */ }
}
