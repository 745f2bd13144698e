/** Room names, in one place. Each namespace has its own rooms. */
export const rooms = {
  /** Everyone looking at one conversation (agents who opened it; the visitor's tabs). */
  conversation: (id: string) => `conversation:${id}`,
  /** Every tab of one visitor (visitor namespace). */
  visitor: (id: string) => `visitor:${id}`,
  /** Every tab and device of one logged-in user of a site (visitor namespace). */
  user: (siteKey: string, userId: string) => `user:${siteKey}:${userId}`,
  /** Agents looking at a ticket list (agent namespace). */
  tickets: 'tickets',
  /** Every tab of one agent (agent namespace). */
  agent: (id: string) => `agent:${id}`,
  /** The sockets of one agent session (token jti): what its sign-out disconnects (agent namespace). */
  session: (jti: string) => `session:${jti}`,
  /** Agents watching the live queue (agent namespace). */
  queue: 'queue',
  /** Every visitor socket of one site (visitor namespace): availability pushes (`site:config`). */
  site: (siteKey: string) => `site:${siteKey}`,
  /** Agent sockets whose view shows one conversation now (agent namespace; collision warnings). */
  viewers: (conversationId: string) => `viewers:${conversationId}`,
} as const;
