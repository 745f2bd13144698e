/**
 * Which conversations are on screen, counted: the chat view and the ticket view may each show the
 * same one, and it stays on screen until both have let go.
 */
export class Holds {
  private readonly counts = new Map<string, number>();

  has(conversationId: string): boolean {
    return this.counts.has(conversationId);
  }

  /** Counts one more holder; the returned release counts it off, once however often it is called. */
  hold(conversationId: string): () => void {
    this.counts.set(conversationId, (this.counts.get(conversationId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(conversationId) ?? 1) - 1;
      if (left > 0) this.counts.set(conversationId, left);
      else this.counts.delete(conversationId);
    };
  }
}
