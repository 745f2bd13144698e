/**
 * Placeholders of canned replies, filled in the agent UI when a reply is inserted, so the agent
 * sees (and may still edit) the final text before sending. Unknown `{...}` are left as written.
 */
export const CANNED_PLACEHOLDERS = ['{visitor.name}', '{ticket.number}', '{agent.name}'] as const;

export interface PlaceholderValues {
  visitorName: string | null | undefined;
  ticketNumber: number | null | undefined;
  agentName: string | null | undefined;
}

/** Said in place of a visitor who gave no name: "Hi {visitor.name}," reads "Hi there,". */
export const VISITOR_NAME_FALLBACK = 'there';

export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  const filled: Record<string, string> = {
    'visitor.name': values.visitorName?.trim() || VISITOR_NAME_FALLBACK,
    'ticket.number': values.ticketNumber != null ? String(values.ticketNumber) : '',
    'agent.name': values.agentName?.trim() ?? '',
  };
  // An empty value takes one space before it along, so "ticket {ticket.number} is" does not read "ticket  is".
  return body.replace(/( ?)\{(visitor\.name|ticket\.number|agent\.name)\}/g, (_m, space: string, key: string) => {
    const value = filled[key] ?? '';
    return value ? `${space}${value}` : '';
  });
}
