import { MockBackend } from '../lib/backend-mock';
import { TEMPLATE } from '../lib/mock-data';
import { InspectionCtl } from '../app/checklist/controller.svelte';
import type { Item } from '../lib/types.gen';

export const DRAFT = 'doc-102-2025q2';
export const RETURNED = 'doc-101-2025q2';

export function item(id: string): Item {
  const it = TEMPLATE.sections.flatMap((s) => s.items).find((i) => i.id === id);
  if (!it) throw new Error(`no item ${id}`);
  return it;
}

export async function loadedCtl(doc = DRAFT, backend = new MockBackend()) {
  const ctl = new InspectionCtl(backend, doc);
  const err = await ctl.load();
  if (err) throw new Error(err);
  return { ctl, backend };
}
