import type { Backend } from '../../lib/backend';
import { errorText } from '../../lib/format';
import type { InspectionView, Item } from '../../lib/types.gen';

/// The checklist's state: the newest InspectionView and the save indicator.
/// Every edit returns a whole new view; responses may come back out of order
/// (a slow photo, a fast answer), so only a response to a newer request than
/// the one last applied replaces the view.
export class InspectionCtl {
  view = $state<InspectionView | null>(null);
  inFlight = $state(0);
  saveError = $state<string | null>(null);
  savedOnce = $state(false);
  private seq = 0;
  private applied = 0;

  constructor(readonly backend: Backend, readonly doc: string) {}

  /// Signed work is locked for whoever signed it until the supervisor returns
  /// it; a co-inspector who has not signed yet can still finish their part.
  get locked(): boolean {
    const s = this.view?.stage;
    if (s === 'approved') return true;
    return (s === 'signed' || s === 'synced') && this.view?.signed_by_me === true;
  }

  async load(): Promise<string | null> {
    return this.run(() => this.backend.inspection(this.doc), false);
  }

  /// Runs one backend edit; returns an error text for the caller to show, or null.
  async run(f: () => Promise<InspectionView>, counts = true): Promise<string | null> {
    const mine = ++this.seq;
    if (counts) this.inFlight++;
    try {
      const v = await f();
      if (mine > this.applied) {
        this.applied = mine;
        this.view = v;
      }
      if (counts) { this.saveError = null; this.savedOnce = true; }
      return null;
    } catch (e) {
      const msg = errorText(e);
      if (counts) this.saveError = msg;
      return msg;
    } finally {
      if (counts) this.inFlight--;
    }
  }
}

/// Items that take an answer in `snapshot.answers` (computed ones are derived,
/// text ones are stored as item notes).
export function answerable(item: Item): boolean {
  return item.answer.type !== 'computed' && item.answer.type !== 'text';
}
