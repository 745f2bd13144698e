import { Schema, type Connection, type Model } from 'mongoose';

/**
 * How far the visitor and the agents have read one conversation (read receipts). A document of its
 * own, `_id` = the conversation's id, rather than fields on the conversation: the conversation is
 * written on every message, and on FerretDB concurrent updates of one document lose each other's
 * fields (STORE.md), so reads would race sends there.
 */
export interface ReadReceiptDoc {
  _id: string;
  /** Only ever raised; never past the conversation's lastSeq. */
  visitorSeq: number;
  agentSeq: number;
  updatedAt: Date;
}

export type ReadReceiptModel = Model<ReadReceiptDoc>;

export function readReceiptModel(conn: Connection): ReadReceiptModel {
  const schema = new Schema<ReadReceiptDoc>(
    {
      _id: { type: String, required: true },
      visitorSeq: { type: Number, required: true, default: 0 },
      agentSeq: { type: Number, required: true, default: 0 },
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<ReadReceiptDoc>('ReadReceipt', schema, 'read_receipts');
}
