/**
 * The workspace's location, kept in the URL fragment so a ticket can be bookmarked, opened in a
 * new tab and reached with Back. Fragments never reach the server, which serves /agent/ alone.
 */
export type Route = { view: 'chats' } | { view: 'tickets'; ticketId: string | null };

const TICKET_ID = /^[0-9a-f]{24}$/;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'tickets') return { view: 'chats' };
  const id = parts[1] ?? '';
  return { view: 'tickets', ticketId: TICKET_ID.test(id) ? id : null };
}

export function routeHref(route: Route): string {
  if (route.view === 'chats') return '#/chats';
  return route.ticketId ? `#/tickets/${route.ticketId}` : '#/tickets';
}

export const ticketHref = (conversationId: string): string => routeHref({ view: 'tickets', ticketId: conversationId });
