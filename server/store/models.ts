import type { Connection } from 'mongoose';
import { agentModel } from '../modules/auth/agent.model.js';
import { conversationModel } from '../modules/conversations/conversation.model.js';
import { messageModel } from '../modules/conversations/message.model.js';
import { visitorModel } from '../modules/visitors/visitor.model.js';
import { claimModel } from './claims.js';

export type Models = ReturnType<typeof bindModels>;

function bindModels(conn: Connection) {
  return {
    Agent: agentModel(conn),
    Visitor: visitorModel(conn),
    Conversation: conversationModel(conn),
    Message: messageModel(conn),
    Claim: claimModel(conn),
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
