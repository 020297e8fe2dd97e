// Accessibility checks in the browser: axe-core (the npm package, injected into the page) and
// the measures of a phone layout (no sideways scrolling, touch targets of at least 44 px).

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Evaluated rather than added as a <script>: the app's Content-Security-Policy (script-src
// 'self') rightly refuses inline scripts, and the test should not weaken it.
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The widths the UI is checked at: a desk and a grid worker's phone.
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

// Waits until the page has rendered its data: no request in flight and no "正在加载" left.
export async function settled(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('#app .loading')
    && !/正在加载|正在生成/.test(document.getElementById('app')?.innerText || ''));
}

// The critical and serious violations axe finds on the page as it is now, as readable lines
// ("rule: help — selector"); [] when there are none.
export async function axeProblems(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.filter((n) => n.impact === 'critical' || n.impact === 'serious')
        .map((n) => `${n.target.join(' ')} ${n.failureSummary ? `(${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`),
    }));
  });
  return violations.filter((v) => v.nodes.length)
    .map((v) => `${v.id} [${v.impact}]: ${v.help} — ${v.nodes.slice(0, 5).join(' | ')}`);
}

// How far the document is wider than the window (0: no sideways scrolling).
export async function overflowX(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

// The visible buttons, links styled as buttons, inputs and selects (in `scope`) smaller than
// 44×44 px CSS, as "tag#id text WxH" lines. Checkboxes and radios count by their label.
export async function smallTargets(page, scope = 'body') {
  return page.evaluate((sel) => {
    const out = [];
    const root = document.querySelector(sel);
    if (!root) return out;
    for (const el of root.querySelectorAll('button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), #nav a')) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!r.width || !r.height || style.visibility === 'hidden') continue;
      if (r.height < 43.5 || r.width < 43.5) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.value || '').trim().slice(0, 12)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  }, scope);
}
