/**
 * What the reply composer's events do to a conversation, the same in the chat view and the ticket
 * view: a public reply goes into the stream, an internal note into the note thread, and the
 * visitor is told the agent types only while a reply (never a note) is being written.
 */
import type { ConversationStream } from '../../../shared/conversation-stream.js';
import type { Drafts } from '../../controllers/drafts.js';
import type { NoteThread } from '../../controllers/note-threads.js';
import type { ReplyInputDetail, ReplyModeDetail, ReplySendDetail } from './reply-composer.js';
import type { TypingAnnouncer } from './typing-announcer.js';

export interface ComposeTarget {
  drafts: Drafts;
  typing: TypingAnnouncer;
  stream: ConversationStream | null;
  thread: NoteThread | null;
}

export function composeInput(t: ComposeTarget, id: string, detail: ReplyInputDetail): void {
  const draft = t.drafts.update(id, { text: detail.value });
  if (draft.mode === 'reply') t.typing.input(id, detail.value.trim().length > 0);
}

export function composeMode(t: ComposeTarget, id: string, detail: ReplyModeDetail): void {
  t.drafts.update(id, { mode: detail.mode });
  if (detail.mode === 'note') t.typing.stop();
}

export function composeSend(t: ComposeTarget, id: string, detail: ReplySendDetail): void {
  if (detail.mode === 'note') {
    if (!t.thread) return;
    t.thread.add(detail.body);
    t.drafts.update(id, { text: '' });
  } else {
    if (!t.stream) return;
    t.typing.stop();
    t.stream.send(detail.body, detail.attachments);
    t.drafts.update(id, { text: '', attachments: [] });
  }
}
