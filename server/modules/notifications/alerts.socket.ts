/** Alert settings and push subscriptions, for logged-in customers and for agents. */
import type { AlertSettingsDTO } from '../../../shared/alerts.js';
import type { AlertCommands as AlertCommandsContract } from '../../../shared/events.js';
import { forbidden } from '../../http/errors.js';
import type { AgentHandlers, AgentSocket, VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import { agentOwner, userOwner, type AlertSettings } from './alert-settings.js';

type AlertCommands = keyof AlertCommandsContract;

interface Deps {
  settings: AlertSettings;
  vapidPublicKey: string;
}

function handlers(owner: () => string, deps: Deps) {
  const dto = async (): Promise<AlertSettingsDTO> => ({ vapidPublicKey: deps.vapidPublicKey, ...(await deps.settings.summary(owner())) });
  return {
    'alerts:get': () => dto(),
    'alerts:set': async (input: { email?: boolean | undefined; push?: boolean | undefined }) => {
      await deps.settings.setPrefs(owner(), input);
      return dto();
    },
    'push:subscribe': async (input: { subscription: Parameters<AlertSettings['subscribe']>[1] }) => {
      await deps.settings.subscribe(owner(), input.subscription);
      return dto();
    },
    'push:unsubscribe': async (input: { endpoint: string }) => {
      await deps.settings.unsubscribe(owner(), input.endpoint);
      return dto();
    },
  };
}

export function alertVisitorHandlers(socket: VisitorSocket, deps: Deps): Pick<VisitorHandlers, AlertCommands> {
  const { customer } = socket.data;
  return handlers(() => {
    // Guests and anonymous visitors are reached by the email of their ticket; settings need an account.
    if (!customer.user) throw forbidden('Sign in on the site to choose how you get alerts; guests get an email for each update of their ticket');
    return userOwner(customer.siteKey, customer.user.id);
  }, deps);
}

export function alertAgentHandlers(socket: AgentSocket, deps: Deps): Pick<AgentHandlers, AlertCommands> {
  const agent = socket.data.agent;
  return handlers(() => agentOwner(agent.id), deps);
}
