// Coalesced saving for text typed in the field: every keystroke may call
// push(), but at most one save is in flight; while it runs, only the newest
// text is kept and sent when it finishes. Nothing typed is dropped: flush()
// resolves once the latest pushed value has been written.
// A value waits only behind the save in flight, never on a timer, so a page
// being hidden or closed has nothing to hurry: flush() only waits, for
// callers that need the write done before going on.
export type SaverState = 'idle' | 'saving' | 'saved' | 'error';

export class CoalescedSaver<T> {
  private pending: { value: T } | null = null;
  private failedValue: { value: T } | null = null;
  private inFlight: Promise<void> | null = null;
  state: SaverState = 'idle';
  error: unknown = null;

  constructor(
    private readonly save: (value: T) => Promise<unknown>,
    private readonly onState: (state: SaverState, error: unknown) => void = () => {},
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (!this.inFlight) this.inFlight = this.drain();
  }

  /// Waits until everything pushed so far is saved (or failed).
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /// Sends the last value that failed again (e.g. after a storage error).
  retry(): void {
    if (this.failedValue && !this.pending) this.push(this.failedValue.value);
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  private setState(s: SaverState, error: unknown = null) {
    this.state = s;
    this.error = error;
    this.onState(s, error);
  }

  private async drain(): Promise<void> {
    this.setState('saving');
    let failed: unknown = null;
    while (this.pending) {
      const { value } = this.pending;
      this.pending = null;
      try {
        await this.save(value);
        failed = null;
        this.failedValue = null;
      } catch (e) {
        this.failedValue = { value };
        // Keep going with newer text if any; report the failure only if the
        // last attempt failed (the newest text is what matters).
        failed = e;
      }
    }
    this.inFlight = null;
    this.setState(failed ? 'error' : 'saved', failed);
  }
}
