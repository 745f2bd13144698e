/** Registers a custom element unless the tag is taken (a second `define` for a tag throws). */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

/** Moves focus to a step's heading (`tabindex="-1"`) once the element has rendered it. */
export async function focusHeading(host: HTMLElement & { updateComplete: Promise<boolean>; renderRoot: HTMLElement | DocumentFragment }): Promise<void> {
  await host.updateComplete;
  host.renderRoot.querySelector<HTMLElement>('h1[tabindex], h2[tabindex]')?.focus();
}
