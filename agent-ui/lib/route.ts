/**
 * The workspace's location, kept in the URL fragment so a ticket can be bookmarked, opened in a
 * new tab and reached with Back. Fragments never reach the server, which serves /agent/ alone.
 */
export type Route = { view: 'chats' } | { view: 'tickets'; ticketId: string | null } | { view: 'feedback' } | AdminRoute | InviteRoute;

/** The admins' screens (features/admin). */
export const ADMIN_SECTIONS = ['agents', 'teams', 'site', 'official'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
export type AdminRoute = { view: 'admin'; section: AdminSection };
/** The link of an invitation mail, `#/invite/<token>`: choose a password, then signed in. */
export type InviteRoute = { view: 'invite'; token: string };

const TICKET_ID = /^[0-9a-f]{24}$/;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'admin') {
    const section = ADMIN_SECTIONS.find((s) => s === parts[1]) ?? 'agents';
    return { view: 'admin', section };
  }
  if (parts[0] === 'invite') return { view: 'invite', token: parts[1] ?? '' };
  if (parts[0] === 'feedback') return { view: 'feedback' };
  if (parts[0] !== 'tickets') return { view: 'chats' };
  const id = parts[1] ?? '';
  return { view: 'tickets', ticketId: TICKET_ID.test(id) ? id : null };
}

export function routeHref(route: Route): string {
  if (route.view === 'chats') return '#/chats';
  if (route.view === 'admin') return `#/admin/${route.section}`;
  if (route.view === 'invite') return `#/invite/${route.token}`;
  if (route.view === 'feedback') return '#/feedback';
  return route.ticketId ? `#/tickets/${route.ticketId}` : '#/tickets';
}

export const ticketHref = (conversationId: string): string => routeHref({ view: 'tickets', ticketId: conversationId });
