import { render, screen } from '@testing-library/svelte';
import { fireEvent } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import ItemCard from '../app/checklist/ItemCard.svelte';
import { dictionaries, lang, setLang, t } from '../lib/i18n';
import LangSwitch from '../lib/LangSwitch.svelte';
import { item, loadedCtl } from './helpers';

beforeEach(() => setLang('zh-CN'));

describe('i18n', () => {
  it('both dictionaries have exactly the same keys, none empty', () => {
    const zh = Object.keys(dictionaries['zh-CN']).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(zh);
    for (const l of ['zh-CN', 'en'] as const) {
      for (const [k, v] of Object.entries(dictionaries[l])) expect(v.trim(), `${l} ${k}`).not.toBe('');
    }
  });

  it('placeholders are the same in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(dictionaries.en) as (keyof typeof dictionaries.en)[]) {
      expect(names(dictionaries.en[k]), k).toEqual(names(dictionaries['zh-CN'][k]));
    }
  });

  it('t fills parameters', () => {
    expect(t('check.progress', { answered: 3, items: 11 })).toBe('已答 3/11');
    setLang('en');
    expect(t('check.progress', { answered: 3, items: 11 })).toBe('3/11 answered');
  });

  it('the switch changes labels and template texts to English and back', async () => {
    const { ctl } = await loadedCtl();
    const chosen: string[] = [];
    render(LangSwitch, { props: { onchange: (l: string) => chosen.push(l) } });
    render(ItemCard, { props: { ctl, item: item('facilities.fire') } });
    expect(screen.getByTestId('answer-facilities.fire-yes').textContent).toBe('是');
    expect(screen.getByText('消防器材齐全且在有效期内')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('lang-switch'));
    expect(lang.current).toBe('en');
    expect(chosen).toEqual(['en']);
    expect(screen.getByTestId('answer-facilities.fire-yes').textContent).toBe('Yes');
    expect(screen.getByText('Fire equipment present and in date')).toBeTruthy();
    expect(screen.getByText('一票否决 veto')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('lang-switch'));
    expect(screen.getByTestId('answer-facilities.fire-yes').textContent).toBe('是');
  });
});
