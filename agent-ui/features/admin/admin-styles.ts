import { css } from 'lit';
import type { Locale } from '../../../shared/schemas/common.js';

/** The languages the product speaks (shared LOCALES), named for admins. Not imported from shared/schemas: that brings zod along. */
export const LANGUAGES: ReadonlyArray<{ id: Locale; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'de', label: 'German' },
  { id: 'sv', label: 'Swedish' },
  { id: 'cs', label: 'Czech' },
  { id: 'zh', label: 'Chinese' },
];

export const languageLabel = (id: string): string => LANGUAGES.find((l) => l.id === id)?.label ?? id;

/** What the admin screens share: sections as cards, forms, tables and the messages under them. */
export const adminStyles = css`
  :host {
    display: block;
  }
  .card {
    margin: 0 0 1.25rem;
    padding: 1.1rem 1.25rem 1.25rem;
    border: 1px solid var(--ah-border);
    border-radius: var(--ah-radius);
    background: var(--ah-surface);
  }
  .card-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    flex-wrap: wrap;
    margin-bottom: 0.85rem;
  }
  h2,
  h3 {
    margin: 0;
    font-weight: 650;
  }
  h2 {
    font-size: 1.125rem;
  }
  h3 {
    font-size: 1rem;
  }
  .lead,
  .hint {
    margin: 0.2rem 0 0;
    color: var(--ah-text-muted);
    font-size: 0.8125rem;
  }
  form {
    display: grid;
    gap: 1rem;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: 0.9rem 1.25rem;
  }
  .field {
    display: grid;
    gap: 0.3rem;
    align-content: start;
  }
  label,
  legend {
    font-size: 0.875rem;
    font-weight: 550;
  }
  fieldset {
    margin: 0;
    padding: 0;
    border: 0;
    min-width: 0;
  }
  fieldset.box {
    padding: 0.75rem 0.9rem 0.9rem;
    border: 1px solid var(--ah-border);
    border-radius: var(--ah-radius-sm);
  }
  fieldset.box > legend {
    padding: 0 0.3rem;
  }
  .checks {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem 1rem;
    margin-top: 0.35rem;
  }
  .checks label,
  .radio {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    font-weight: 400;
  }
  .radio {
    align-items: flex-start;
  }
  .radio input {
    margin-top: 0.2rem;
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--ah-accent);
  }
  input:not([type='checkbox'], [type='radio'], [type='color']),
  select,
  textarea {
    font-size: 0.9375rem;
    padding: 0.45rem 0.6rem;
    width: 100%;
  }
  textarea {
    resize: vertical;
    min-height: 3.5rem;
  }
  [aria-invalid='true'] {
    border-color: var(--ah-danger) !important;
  }
  .field-error {
    margin: 0;
    color: var(--ah-danger);
    font-size: 0.8125rem;
  }
  .actions {
    display: flex;
    gap: 0.6rem;
    flex-wrap: wrap;
    align-items: center;
  }
  .message {
    margin: 0;
    padding: 0.55rem 0.75rem;
    border-radius: var(--ah-radius-sm);
    font-size: 0.875rem;
  }
  .message.error {
    background: var(--ah-danger-soft);
    color: var(--ah-danger);
  }
  .message.ok {
    background: var(--ah-accent-soft);
    color: var(--ah-text);
  }
  /* Kept in the page while empty, so a live region is in place before its text arrives. */
  .message:empty {
    padding: 0;
    background: none;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.875rem;
  }
  th {
    padding: 0.45rem 0.6rem;
    text-align: left;
    font-size: 0.75rem;
    font-weight: 650;
    letter-spacing: 0.02em;
    text-transform: uppercase;
    color: var(--ah-text-muted);
    border-bottom: 1px solid var(--ah-border);
    white-space: nowrap;
  }
  td {
    padding: 0.55rem 0.6rem;
    border-bottom: 1px solid var(--ah-border);
    vertical-align: top;
  }
  .table-scroll {
    overflow-x: auto;
  }
  .muted {
    color: var(--ah-text-muted);
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 600;
    background: var(--ah-surface-2);
    border: 1px solid var(--ah-border);
    white-space: nowrap;
  }
  .badge.on {
    background: var(--ah-accent-soft);
    border-color: transparent;
    color: var(--ah-accent);
  }
  .badge.warn {
    background: var(--ah-warning-soft);
    border-color: transparent;
    color: var(--ah-warning-text);
  }
  .badge.off {
    background: var(--ah-danger-soft);
    border-color: transparent;
    color: var(--ah-danger);
  }
  .row-actions {
    display: flex;
    gap: 0.35rem;
    flex-wrap: wrap;
  }
  /* Layout helpers for one-off spacing: the page's CSP allows no style attributes. */
  .mt {
    margin-top: 0.75rem;
  }
  .mt-s {
    margin-top: 0.5rem;
  }
  .below {
    margin-bottom: 0.75rem;
  }
  .stack {
    display: grid;
    gap: 0.5rem;
    margin-top: 0.35rem;
  }
  .stack-tight {
    display: grid;
    gap: 0.4rem;
    margin-top: 0.5rem;
  }
  .w-12 {
    max-width: 12rem;
  }
  .w-18 {
    max-width: 18rem;
  }
  .w-22 {
    max-width: 22rem;
  }
  .w-24 {
    max-width: 24rem;
  }
  .grow {
    flex: 1 1 16rem;
  }
  .spread {
    justify-content: space-between;
  }
  .nowrap {
    white-space: nowrap;
  }
  .wrap-anywhere {
    overflow-wrap: anywhere;
  }
`;
