import { describe, expect, it } from 'vitest';
import { detokenize } from './detokenize.js';

const ptb = (s: string): string => detokenize(s.split(' '));

describe('detokenize', () => {
  it('attaches clitics: does n\'t → doesn\'t, it \'s → it\'s, ca n\'t → can\'t', () => {
    expect(ptb("it does n't say it 's what we ca n't")).toBe("it doesn't say it's what we can't");
  });

  it('attaches punctuation to the left and opening brackets, $ and `` to the right', () => {
    expect(ptb("( t ) here , $ 5 or 10 % ; `` x '' : ok ... yes !")).toBe("(t) here, $5 or 10%; ``x'': ok... yes!");
  });

  it('joins PTB word splits back: can not → cannot, gon na → gonna, \'t is → \'tis', () => {
    expect(ptb("i can not , gon na , ` 't is")).toBe("i cannot, gonna, `'tis");
  });

  it('keeps spaces around dashes and between tokens of the same punctuation (. . stays spaced)', () => {
    expect(ptb('a -- b - c no . .')).toBe('a -- b - c no. .');
  });

  it('does not join ? and ! tokens, which would re-tokenize as one run', () => {
    expect(ptb('what ? !')).toBe('what? !');
  });

  it('returns the empty string for no tokens and the token itself for one', () => {
    expect(detokenize([])).toBe('');
    expect(detokenize(['x'])).toBe('x');
  });
});
