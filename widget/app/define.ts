import type { PropertyDeclaration } from 'lit';

/**
 * Registers a custom element unless the tag is taken: the widget may be loaded twice on one page,
 * and a second `customElements.define` for a tag throws.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

/*
 * The widget's elements declare their reactive properties in `static properties` rather than with
 * decorators: the same behaviour, and lighter in a bundle that every visitor downloads.
 */
/** A property its parent sets (`.name=${…}`); never read from an attribute. */
export const data: PropertyDeclaration = { attribute: false };
/** Internal state: changing it renders again. */
export const internal: PropertyDeclaration = { state: true };
