// What inspectors type into number fields: Chinese keyboards give full-width
// digits and punctuation, some people write thousands separators, some a
// decimal comma. Anything else is refused rather than guessed at.
// A thousands group never starts with 0: "0,500" is a decimal comma (0.5).
const THOUSANDS = /^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA = /^-?\d+,\d+$/;
const PLAIN = /^-?(\d+\.?\d*|\.\d+)$/;

/// The number typed; `null` when nothing was typed, NaN when it is not a number.
export function parseNumber(text: string): number | null {
  // A Chinese IME types "。" for the full stop key.
  const s = text.normalize('NFKC').trim().replace(/。/g, '.');
  if (s === '') return null;
  if (THOUSANDS.test(s)) return Number(s.replace(/,/g, ''));
  // "1,200" is taken by the thousands pattern above, so a lone comma here
  // can only be a decimal comma ("12,5").
  if (DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
  if (PLAIN.test(s)) return Number(s);
  return NaN;
}
