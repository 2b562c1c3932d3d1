import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

// Components reach the backend through context so tests can render any
// screen with a MockBackend (render(C, { context: backendContext(mock) })).
const KEY = Symbol('backend');

export function provideBackend(b: Backend): void {
  setContext(KEY, b);
}

export function useBackend(): Backend {
  const b = getContext<Backend | undefined>(KEY);
  if (!b) throw new Error('no Backend in context');
  return b;
}

export function backendContext(b: Backend): Map<unknown, unknown> {
  return new Map([[KEY, b]]);
}
