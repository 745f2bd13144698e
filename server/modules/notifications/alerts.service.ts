/**
 * Alerts for people who are not looking, derived from the one stream.
 *
 * Every event worth an alert is a message (a reply, a `ticket.status` line, `ticket.created`,
 * `chat.started`). When such a message is written, its alert job is written with it: the job's id
 * is derived from the message's id, which is chosen before either is stored, and both inserts go
 * out together. The store has no transactions, so the job is written as an intent: when it comes
 * due and its message does not exist (the message insert failed, or the node died between the
 * two), the job is dropped. A job is never missing for a stored message, because the message's
 * write is acknowledged only after the job's.
 *
 * When an event job comes due (after the coalescing window), it takes along the other pending jobs
 * of its conversation and audience, checks presence (anyone with a live socket on the
 * conversation got it in the page: no alert), and writes one delivery job per channel and
 * recipient. Deliveries are retried on their own (outbox-worker.ts).
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import webpush from 'web-push';
import { API } from '../../../shared/api.js';
import type { PushPayload } from '../../../shared/alerts.js';
import type { Logger } from '../../logger.js';
import type { Claims } from '../../store/claims.js';
import { isConflict } from '../../http/errors.js';
import type { AgentModel } from '../auth/agent.model.js';
import type { ConversationDoc, ConversationModel } from '../conversations/conversation.model.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { MessageDoc, MessageModel } from '../conversations/message.model.js';
import type { GuestAccess } from '../guests/guest-access.js';
import type { Mailer } from '../mail/mailer.js';
import { pushAlertText, ticketCreatedMail, ticketUpdatedMail } from '../mail/templates.js';
import type { AlertJobDoc, AlertAudience, AlertJobModel } from './alert-job.model.js';
import { agentOwner, userOwner, type AlertSettings, type PushSubscriptionDoc } from './alert-settings.js';
import { OutboxWorker, PermanentFailure, RetryLater, type JobResult } from './outbox-worker.js';

/** Who is looking right now, across every node (the realtime layer answers). */
export interface Presence {
  /** A socket of the customer is in a room that hears the conversation's events. */
  customerConnected(conv: ConversationDoc): Promise<boolean>;
  /** Ids of agents with the agent UI open. */
  connectedAgents(): Promise<Set<string>>;
}

/** What a message must be for planning its alerts. */
export interface AlertEvent {
  id: Types.ObjectId;
  authorType: MessageDoc['authorType'];
  system: MessageDoc['system'];
}

/** An event job whose message has not appeared this long after it was written never will. */
const MISSING_EVENT_GRACE_MS = 30_000;
const EXCERPT_LENGTH = 140;
/** The ticket's subject names it in an alert, no more: a long first line is not repeated whole. */
const SUBJECT_LENGTH = 60;
/** How soon an alert whose presence check failed (Redis away) asks again. */
const PRESENCE_RETRY_MS = 5_000;
/** A push nobody could deliver within a day is stale news. */
const PUSH_TTL_SECONDS = 24 * 3600;

export interface AlertsDeps {
  jobs: AlertJobModel;
  claims: Claims;
  conversations: ConversationModel;
  messages: MessageModel;
  agents: AgentModel;
  settings: AlertSettings;
  guests: GuestAccess;
  chats: ConversationsService;
  mailer: Mailer;
  presence: Presence;
  vapid: { publicKey: string; privateKey: string; subject: string };
  publicUrl: () => string;
  coalesceMs: number;
  maxAttempts: number;
  worker: { leaseMs: number; pollMs: number; retryBaseMs: number };
  log: Logger;
}

export class AlertsService {
  readonly worker: OutboxWorker;

  constructor(private readonly d: AlertsDeps) {
    this.worker = new OutboxWorker(d.jobs, d.claims, (job) => this.perform(job), d.worker, d.log);
  }

  // ---- writing events ---------------------------------------------------------------------

  /** The alert jobs a message causes, if any. `conv` is the conversation as it is when the message is written. */
  plan(conv: ConversationDoc, m: AlertEvent): AlertJobDoc[] {
    const now = Date.now();
    const job = (audience: AlertAudience, delayMs: number): AlertJobDoc => ({
      _id: `${m.id.toHexString()}:${audience}`,
      kind: 'event',
      state: 'pending',
      group: `${conv._id.toHexString()}:${audience}`,
      audience,
      conversationId: conv._id,
      messageId: m.id,
      coalescedInto: null,
      recipient: null,
      mail: null,
      push: null,
      ...this.fresh(new Date(now), new Date(now + delayMs)),
    });
    const s = m.system;
    if (s?.kind === 'chat.started') return [job('queue', 0)];
    // The confirmation carries the way back to the ticket: it goes out at once, whoever is looking.
    if (s?.kind === 'ticket.created') return [job('created', 0)];
    if (conv.ticketNumber == null) return [];
    if (s?.kind === 'ticket.status' && s.by === 'agent' && s.status !== 'open') return [job('customer', this.d.coalesceMs)];
    if (m.authorType === 'agent') return [job('customer', this.d.coalesceMs)];
    if (m.authorType === 'visitor' && conv.agentId) return [job('agent', this.d.coalesceMs)];
    return [];
  }

  /** Writes the jobs (again: each is stored once) and wakes this node's worker for them. */
  async record(conv: ConversationDoc, m: AlertEvent): Promise<void> {
    const jobs = this.plan(conv, m);
    if (jobs.length === 0) return;
    await this.insert(jobs);
  }

  private async insert(jobs: AlertJobDoc[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      await this.d.jobs.insertMany(jobs, { ordered: false });
    } catch (err) {
      // Some were there already (a resend, a re-run): those are fine; anything else is not.
      const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
      const allDuplicates = Array.isArray(writeErrors) ? writeErrors.every((e) => isConflict((e as { err?: unknown }).err ?? e)) : isConflict(err);
      if (!allDuplicates) throw err;
    }
    for (const j of jobs) this.worker.nudge(j.dueAt);
  }

  // ---- running jobs -----------------------------------------------------------------------

  private perform(job: AlertJobDoc): Promise<JobResult> {
    switch (job.kind) {
      case 'event':
        return this.fire(job);
      case 'email':
        return this.sendMail(job);
      case 'push':
        return this.sendPush(job);
    }
  }

  /** An event job came due: coalesce its group, check presence, write the deliveries. */
  private async fire(lead: AlertJobDoc): Promise<JobResult> {
    const taken = await this.takeGroup(lead);
    const found = await Promise.all(taken.map((j) => (j.messageId ? this.d.messages.findById(j.messageId).lean<MessageDoc>() : null)));
    const messages = found.filter((m): m is MessageDoc => !!m);
    if (!messages.some((m) => m._id.equals(lead.messageId!))) {
      if (Date.now() - lead.createdAt.getTime() < MISSING_EVENT_GRACE_MS) throw new RetryLater('its message is still being written', 1000);
      if (messages.length === 0) return { state: 'void', outcome: 'its message was never stored' };
    }
    messages.sort((a, b) => a.seq - b.seq);
    const conv = lead.conversationId ? await this.d.conversations.findById(lead.conversationId).lean() : null;
    if (!conv) return { state: 'void', outcome: 'the conversation is gone' };

    let deliveries: AlertJobDoc[];
    switch (lead.audience) {
      case 'created':
        deliveries = await this.createdDeliveries(lead, conv);
        break;
      case 'customer':
        if (await this.whoIsLooking(() => this.d.presence.customerConnected(conv))) return { state: 'done', outcome: 'in-page' };
        deliveries = await this.customerDeliveries(lead, conv, messages, taken.length);
        break;
      case 'agent': {
        if (!conv.agentId) return { state: 'done', outcome: 'no assignee' };
        const agentId = conv.agentId.toHexString();
        if ((await this.whoIsLooking(() => this.d.presence.connectedAgents())).has(agentId)) return { state: 'done', outcome: 'in-page' };
        deliveries = await this.agentDeliveries(lead, conv, messages, [agentId]);
        break;
      }
      case 'queue': {
        if (conv.status !== 'queued') return { state: 'done', outcome: 'taken before the alert' };
        const online = await this.whoIsLooking(() => this.d.presence.connectedAgents());
        const all = await this.d.agents.find({ active: true }).limit(10_000).lean();
        deliveries = await this.agentDeliveries(lead, conv, messages, all.map((a) => a._id.toHexString()).filter((id) => !online.has(id)));
        break;
      }
      default:
        return { state: 'void', outcome: `unknown audience ${String(lead.audience)}` };
    }
    await this.insert(deliveries);
    return { state: 'done', outcome: deliveries.length === 0 ? 'nobody to alert' : `${deliveries.length} deliveries` };
  }

  /**
   * Presence asks every node (through Redis when nodes are joined). While they cannot answer, the
   * job waits rather than guess: a wrong "not connected" mails someone reading the page, and these
   * waits do not use up the job's attempts.
   */
  private async whoIsLooking<T>(ask: () => Promise<T>): Promise<T> {
    try {
      return await ask();
    } catch (err) {
      throw new RetryLater(`could not tell who is connected: ${(err instanceof Error && err.message) || 'no answer from the other nodes'}`, PRESENCE_RETRY_MS);
    }
  }

  /**
   * The lead and the other pending jobs of its group, each taken by claiming its next attempt, so
   * a job is either coalesced here or run by someone else, never both. Jobs coalesced into this
   * lead on an earlier run (that crashed) are found again by `coalescedInto`.
   */
  private async takeGroup(lead: AlertJobDoc): Promise<AlertJobDoc[]> {
    const taken = new Map<string, AlertJobDoc>([[lead._id, lead]]);
    if (!lead.group) return [lead];
    for (const j of await this.d.jobs.find({ coalescedInto: lead._id }).lean()) taken.set(j._id, j);
    const pending = await this.d.jobs.find({ group: lead.group, state: 'pending' }).lean();
    for (const j of pending) {
      if (taken.has(j._id)) continue;
      if (!(await this.d.claims.take(`alert:${j._id}:${j.attempts + 1}`, this.worker.nodeId))) continue;
      const fresh = await this.d.jobs.findById(j._id).lean();
      if (!fresh || fresh.state !== 'pending' || fresh.attempts !== j.attempts) continue;
      await this.d.jobs.updateOne(
        { _id: j._id },
        { $set: { state: 'done', coalescedInto: lead._id, outcome: `coalesced into ${lead._id}`, attempts: j.attempts + 1, finishedAt: new Date() } },
      );
      taken.set(j._id, fresh);
    }
    return [...taken.values()];
  }

  private delivery(lead: AlertJobDoc, suffix: string, fields: Pick<AlertJobDoc, 'kind' | 'recipient' | 'mail' | 'push'>): AlertJobDoc {
    const now = new Date();
    return {
      ...lead,
      _id: `${lead._id}:${suffix}`,
      ...fields,
      state: 'pending',
      group: null,
      audience: lead.audience,
      coalescedInto: null,
      ...this.fresh(now, now),
    };
  }

  /** A job that has not run yet. */
  private fresh(createdAt: Date, dueAt: Date): Pick<AlertJobDoc, 'dueAt' | 'createdAt' | 'finishedAt' | 'attempts' | 'maxAttempts' | 'lastError' | 'outcome' | 'takeovers'> {
    return { dueAt, createdAt, finishedAt: null, attempts: 0, maxAttempts: this.d.maxAttempts, lastError: null, outcome: null, takeovers: 0 };
  }

  private async createdDeliveries(lead: AlertJobDoc, conv: ConversationDoc): Promise<AlertJobDoc[]> {
    if (!conv.visitorEmail || conv.ticketNumber == null) return [];
    const link = await this.customerLink(conv);
    const mail = ticketCreatedMail(conv.locale, { ticketNumber: conv.ticketNumber, link, subject: cut(conv.subject ?? '', SUBJECT_LENGTH) });
    return [this.delivery(lead, 'email', { kind: 'email', recipient: conv.visitorEmail, mail: { to: conv.visitorEmail, ...mail, link }, push: null })];
  }

  private async customerDeliveries(lead: AlertJobDoc, conv: ConversationDoc, messages: MessageDoc[], updates: number): Promise<AlertJobDoc[]> {
    if (conv.ticketNumber == null) return [];
    const owner = conv.customerUserId ? userOwner(conv.siteKey, conv.customerUserId) : null;
    const prefs = owner ? await this.d.settings.prefsOf(owner) : { email: true, push: false };
    const latestReply = [...messages].reverse().find((m) => m.authorType === 'agent' && m.body);
    const excerpt = latestReply ? cut(latestReply.body, EXCERPT_LENGTH) : null;
    const status = conv.ticketStatus ?? 'open';
    const out: AlertJobDoc[] = [];
    const link = await this.customerLink(conv);
    if (prefs.email && conv.visitorEmail) {
      const mail = ticketUpdatedMail(conv.locale, { ticketNumber: conv.ticketNumber, subject: cut(conv.subject ?? '', SUBJECT_LENGTH), link, excerpt, status, access: owner ? 'user' : 'guest', updates });
      out.push(this.delivery(lead, 'email', { kind: 'email', recipient: conv.visitorEmail, mail: { to: conv.visitorEmail, ...mail, link }, push: null }));
    }
    if (owner && prefs.push) {
      const text = pushAlertText(conv.locale, { ticketNumber: conv.ticketNumber, excerpt, status, updates });
      const payload: PushPayload = { v: 1, ...text, url: link, tag: `ticket-${conv._id.toHexString()}`, kind: 'ticket-update' };
      for (const sub of await this.d.settings.subscriptionsOf(owner)) out.push(this.pushDelivery(lead, sub, payload, 'normal'));
    }
    return out;
  }

  private async agentDeliveries(lead: AlertJobDoc, conv: ConversationDoc, messages: MessageDoc[], agentIds: string[]): Promise<AlertJobDoc[]> {
    const base = this.d.publicUrl();
    const id = conv._id.toHexString();
    const who = conv.visitorName || conv.visitorEmail || 'A visitor';
    const latest = [...messages].reverse().find((m) => m.authorType === 'visitor' && m.body);
    const payload: PushPayload =
      lead.audience === 'queue'
        ? { v: 1, kind: 'new-chat', title: `New chat from ${who}`, body: cut(conv.preview || 'Waiting in the queue', EXCERPT_LENGTH), url: `${base}/agent/#/chats`, tag: `chat-${id}` }
        : {
            v: 1,
            kind: 'ticket-reply',
            title: `Ticket ${conv.ticketNumber}: ${who} replied`,
            body: latest ? cut(latest.body, EXCERPT_LENGTH) : 'New reply',
            url: `${base}/agent/#/tickets/${id}`,
            tag: `ticket-${id}`,
          };
    const out: AlertJobDoc[] = [];
    for (const agentId of agentIds) {
      const owner = agentOwner(agentId);
      if (!(await this.d.settings.prefsOf(owner)).push) continue;
      for (const sub of await this.d.settings.subscriptionsOf(owner)) out.push(this.pushDelivery(lead, sub, payload, 'high'));
    }
    return out;
  }

  private pushDelivery(lead: AlertJobDoc, sub: PushSubscriptionDoc, payload: PushPayload, urgency: 'normal' | 'high'): AlertJobDoc {
    return this.delivery(lead, `push:${sub._id}`, {
      kind: 'push',
      recipient: sub.owner,
      mail: null,
      // The Topic lets a push service replace an undelivered older alert of the same conversation.
      push: { subscriptionId: sub._id, payload: JSON.stringify(payload), topic: shortHash(lead.group ?? lead._id, 32), ttlSeconds: PUSH_TTL_SECONDS, urgency },
    });
  }

  /**
   * Logged-in users go to the ticket's page; guests to their unique link, which then asks for a
   * code. A mail that carries a guest link keeps that link alive (GuestAccess.linkFields).
   */
  private async customerLink(conv: ConversationDoc): Promise<string> {
    if (conv.customerUserId) return `${this.d.publicUrl()}${API.customerPage}${conv._id.toHexString()}`;
    await this.d.chats.updateDoc(conv._id, { $set: this.d.guests.linkFields(conv._id) });
    return this.d.guests.linkUrl(conv._id);
  }

  private async sendMail(job: AlertJobDoc): Promise<JobResult> {
    if (!job.mail) return { state: 'void', outcome: 'no mail to send' };
    const { link, ...mail } = job.mail;
    try {
      await this.d.mailer.send({
        ...mail,
        // One id per delivery: a mail sent again after a crash is the same mail to the recipient's system.
        messageId: `<${shortHash(job._id, 32)}@${mailDomain(this.d.publicUrl())}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (err) {
      const code = (err as { responseCode?: unknown }).responseCode;
      // 5xx: the receiving server refused for good (no such mailbox, policy); 4xx and network errors pass.
      if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentFailure(`the mail server refused: ${(err as Error).message}`);
      throw err;
    }
    if (this.d.mailer.channel === 'smtp') return { state: 'sent', outcome: 'accepted by the SMTP server' };
    // Without SMTP the mail is a file on this machine: say where the customer's link goes.
    const ticket = job.conversationId ? (await this.d.conversations.findById(job.conversationId, { ticketNumber: 1 }).lean())?.ticketNumber : undefined;
    if (link) this.d.log.info({ ticket, link }, 'ticket link (mail written to DATA_DIR/mail)');
    return { state: 'sent', outcome: 'written to DATA_DIR/mail' };
  }

  private async sendPush(job: AlertJobDoc): Promise<JobResult> {
    if (!job.push) return { state: 'void', outcome: 'no push to send' };
    const sub = await this.d.settings.subscription(job.push.subscriptionId);
    if (!sub) return { state: 'void', outcome: 'unsubscribed before delivery' };
    try {
      await webpush.sendNotification({ endpoint: sub.endpoint, keys: sub.keys }, job.push.payload, {
        vapidDetails: this.d.vapid,
        TTL: job.push.ttlSeconds,
        topic: job.push.topic,
        urgency: job.push.urgency,
        timeout: 10_000,
      });
    } catch (err) {
      const status = (err as { statusCode?: unknown }).statusCode;
      if (status === 404 || status === 410) {
        await this.d.settings.forget(sub._id);
        return { state: 'void', outcome: `subscription gone (${status}); removed` };
      }
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new PermanentFailure(`the push service refused (${status}): ${String((err as { body?: unknown }).body ?? '').slice(0, 200)}`);
      }
      throw err;
    }
    return { state: 'sent', outcome: 'accepted by the push service' };
  }
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const slice = flat.slice(0, max - 1);
  const space = slice.lastIndexOf(' ');
  return `${space > max / 2 ? slice.slice(0, space) : slice}…`;
}

function shortHash(s: string, length: number): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, length);
}

function mailDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}
