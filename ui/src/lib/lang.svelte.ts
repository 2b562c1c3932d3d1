import type { Language } from './types.gen';

// The one reactive cell behind i18n: anything that calls t() in a template
// re-renders when `lang.current` changes.
export const lang = $state<{ current: Language }>({ current: 'zh-CN' });
