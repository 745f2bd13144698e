/** The widget's English strings; their keys define the dictionary every other language must fill. */
export const en = {
  openChat: 'Open chat',
  title: 'Chat with us',
  minimise: 'Minimise chat',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  unavailable: 'The chat is not available right now. Please try again later.',
  tryAgain: 'Try again',

  intro: 'Have a question? We are happy to help.',
  nameLabel: 'Your name (optional)',
  emailLabel: 'Your email (optional)',
  emailInvalid: 'Please enter a valid email address, or leave the field empty.',
  startChat: 'Start chat',
  starting: 'Starting…',
  startFailed: 'The chat could not be started. Please try again.',

  statusQueued: 'Waiting for an agent…',
  statusActive: 'You are chatting with {name}',
  statusActiveUnnamed: 'You are chatting with an agent',
  statusEnded: 'This chat has ended',
  endChat: 'End chat',
  endConfirm: 'End this chat?',
  endConfirmYes: 'Yes, end it',
  endConfirmNo: 'Keep chatting',
  endFailed: 'The chat could not be ended. Please try again.',
  newChat: 'Start a new chat',

  messages: 'Messages',
  you: 'You',
  agent: 'Agent',
  systemStarted: 'Chat started',
  systemAgentJoined: '{name} joined the chat',
  systemEndedByVisitor: 'You ended the chat',
  systemEndedByAgent: 'The agent ended the chat',
  typing: '{name} is typing…',
  typingUnnamed: 'The agent is typing…',

  composerLabel: 'Type your message',
  composerPlaceholder: 'Type your message…',
  send: 'Send',
  sending: 'Sending…',
  retry: 'Retry',
  sendRejected: 'Not sent: the message was not accepted.',
  sendClosed: 'Not sent: this chat no longer accepts messages.',
  sendFailed: 'Not sent.',
};

export type MessageKey = keyof typeof en;
/** What every language provides: a string for each English key, and no others. */
export type Dictionary = Record<MessageKey, string>;
