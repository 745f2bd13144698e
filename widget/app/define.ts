/**
 * Registers a custom element unless the tag is taken: the widget may be loaded twice on one page,
 * and a second `customElements.define` for a tag throws.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
