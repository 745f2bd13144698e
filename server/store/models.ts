import type { Connection } from 'mongoose';
import { agentModel } from '../modules/auth/agent.model.js';
import { revokedSessionModel } from '../modules/auth/revoked-session.model.js';
import { cannedReplyModel } from '../modules/canned/canned.model.js';
import { conversationModel } from '../modules/conversations/conversation.model.js';
import { messageModel } from '../modules/conversations/message.model.js';
import { alertJobModel } from '../modules/notifications/alert-job.model.js';
import { alertPrefsModel, pushSubscriptionModel } from '../modules/notifications/alert-settings.js';
import { guestCodeModel } from '../modules/guests/guest-code.model.js';
import { agentStateModel, presenceSocketModel } from '../modules/routing/presence.model.js';
import { siteModel } from '../modules/sites/site.model.js';
import { teamModel } from '../modules/teams/team.model.js';
import { noteModel } from '../modules/tickets/note.model.js';
import { counterModel } from '../modules/tickets/ticket-numbers.js';
import { attachmentModel } from '../modules/uploads/attachment.model.js';
import { visitorModel } from '../modules/visitors/visitor.model.js';
import { visitorTokenModel } from '../modules/visitors/visitor-token.model.js';
import { readMarkerModel } from '../modules/workspace/read-marker.model.js';
import { readReceiptModel } from '../modules/receipts/read-receipt.model.js';
import { feedbackModel } from '../modules/feedback/feedback.model.js';
import { officialChannelModel } from '../modules/official/official-channel.model.js';
import { claimModel } from './claims.js';
import { rateModel } from './rate-limiter.js';

export type Models = ReturnType<typeof bindModels>;

function bindModels(conn: Connection) {
  return {
    Agent: agentModel(conn),
    RevokedSession: revokedSessionModel(conn),
    Visitor: visitorModel(conn),
    VisitorToken: visitorTokenModel(conn),
    Conversation: conversationModel(conn),
    Message: messageModel(conn),
    Note: noteModel(conn),
    Attachment: attachmentModel(conn),
    Site: siteModel(conn),
    GuestCode: guestCodeModel(conn),
    Counter: counterModel(conn),
    Claim: claimModel(conn),
    RateWindow: rateModel(conn),
    AlertJob: alertJobModel(conn),
    PushSubscription: pushSubscriptionModel(conn),
    AlertPrefs: alertPrefsModel(conn),
    Team: teamModel(conn),
    PresenceSocket: presenceSocketModel(conn),
    AgentState: agentStateModel(conn),
    CannedReply: cannedReplyModel(conn),
    ReadMarker: readMarkerModel(conn),
    Feedback: feedbackModel(conn),
    OfficialChannel: officialChannelModel(conn),
    ReadReceipt: readReceiptModel(conn),
  };
}

/** Binds every model to this connection and makes sure its collections and indexes exist. */
export async function createModels(conn: Connection): Promise<Models> {
  const models = bindModels(conn);
  for (const model of Object.values(models)) {
    await model.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    await model.createIndexes();
  }
  return models;
}
