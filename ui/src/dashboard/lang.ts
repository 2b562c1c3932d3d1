import { setLang } from '../lib/i18n';
import type { Language } from '../lib/types.gen';

export const LANG_KEY = 'xuncha.lang';

export function loadLang(): void {
  let l: string | null = null;
  try { l = localStorage.getItem(LANG_KEY); } catch { /* private mode */ }
  setLang(l === 'en' ? 'en' : 'zh-CN');
}

export function saveLang(l: Language): void {
  try { localStorage.setItem(LANG_KEY, l); } catch { /* private mode */ }
}
