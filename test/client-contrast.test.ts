/**
 * WCAG AA contrast of the screens' palette (client/src/styles.css): every text colour on every
 * background it is drawn on reaches 4.5:1, so no status is carried by a colour nobody can read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../client/src/styles.css', import.meta.url), 'utf8');
const root = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')));
const palette = Object.fromEntries([...root.matchAll(/--([a-z]+):\s*(#[0-9a-f]{6});/g)].map((m) => [m[1], m[2]]));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('the palette meets WCAG AA (4.5:1 for text)', () => {
  it('is read from styles.css', () => {
    for (const name of ['bg', 'surface', 'line', 'text', 'muted', 'night', 'green', 'amber', 'red', 'blue', 'purple']) {
      expect(palette[name], name).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it.each(['text', 'muted', 'green', 'amber', 'red', 'blue', 'purple'])('%s text on the page and on tiles', (fg) => {
    expect(contrast(palette[fg], palette.bg)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(palette[fg], palette.surface)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['green', 'amber', 'red', 'blue', 'purple'])('dark text on a solid %s badge, chip or banner', (bg) => {
    expect(contrast(palette.night, palette[bg])).toBeGreaterThanOrEqual(4.5);
  });
});
