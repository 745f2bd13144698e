/**
 * An axe-core accessibility scan of a Playwright page, open shadow roots included (axe walks them
 * itself), with every rule axe runs by default, colour contrast among them.
 *
 * axe is injected with page.evaluate: DevTools evaluation is not subject to the page's
 * Content-Security-Policy, so the host page's strict CSP stays on during the scan (a script tag
 * would be refused by it).
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** How much a failure keeps people out, as axe grades it. */
const BLOCKING = new Set(['serious', 'critical']);

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; html: string; why: string }>;
}

/** Waits until nothing in the page or its shadow roots animates, so colours are read at rest. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const all: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    await Promise.all(all.flatMap((el) => el.getAnimations()).map((a) => a.finished.catch(() => undefined)));
  });
}

/**
 * Runs axe over the whole document and returns the serious and critical violations (empty when
 * there are none), each with the elements that fail and why. Targets of elements in shadow roots
 * read "host >> inner".
 */
export async function scanAccessibility(page: Page): Promise<AxeFinding[]> {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' >> '),
        html: n.html,
        why: n.failureSummary ?? '',
      })),
    }));
}

/** Findings as a readable block for a failing assertion's message. */
export function formatFindings(findings: readonly AxeFinding[]): string {
  return findings
    .map(
      (f) =>
        `${f.rule} (${f.impact}): ${f.help}\n  ${f.helpUrl}\n` +
        f.nodes.map((n) => `  - ${n.target}\n    ${n.html}\n    ${n.why.replace(/\n/g, '\n    ')}`).join('\n'),
    )
    .join('\n');
}
