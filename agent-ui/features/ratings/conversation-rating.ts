import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { ConversationDTO } from '../../../shared/types.js';
import { formatFullTime } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';
import { RATING_LABEL, stars } from './rating-format.js';

/**
 * The visitor's rating of a conversation, in its header: stars, the visitor's word for the score
 * and their comment. Nothing while it is not rated. It updates live with the conversation
 * (`conversation:updated` when the visitor rates, or rates again).
 */
export class ConversationRating extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        margin-top: 0.45rem;
      }
      .rating {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.2rem 0.5rem;
        margin: 0;
        font-size: 0.8125rem;
      }
      .stars {
        color: #9a6700;
        letter-spacing: 0.05em;
      }
      .low .stars {
        color: var(--ah-danger);
      }
      .word {
        font-weight: 600;
      }
      q {
        flex-basis: 100%;
        color: var(--ah-text-muted);
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
    `,
  ];

  @property({ attribute: false }) conversation: ConversationDTO | null = null;

  override render() {
    const rating = this.conversation?.rating;
    if (!rating) return nothing;
    return html`<p class="rating ${rating.score <= 2 ? 'low' : ''}" title=${`Rated ${formatFullTime(rating.at)}`}>
      <span class="sr-only">Visitor rating: ${rating.score} of 5,</span>
      <span class="stars" aria-hidden="true">${stars(rating.score)}</span>
      <span class="word">${RATING_LABEL[rating.score]}</span>
      ${rating.comment ? html`<q>${rating.comment}</q>` : nothing}
    </p>`;
  }
}

if (!customElements.get('conversation-rating')) customElements.define('conversation-rating', ConversationRating);

declare global {
  interface HTMLElementTagNameMap {
    'conversation-rating': ConversationRating;
  }
}
