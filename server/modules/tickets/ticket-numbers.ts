/**
 * Human ticket numbers, unique across nodes. A counter suggests the next number ($inc, atomic on
 * MongoDB); a claim on the number makes it unique on FerretDB too, where two concurrent $inc can
 * read the same value (STORE.md): the loser of the claim simply takes the next one. Numbers may
 * skip after a crash or a lost race; they never repeat.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { FIRST_TICKET_NUMBER } from '../../../shared/tickets.js';
import { AppError, isConflict } from '../../http/errors.js';
import type { Claims } from '../../store/claims.js';

export interface CounterDoc {
  _id: string;
  value: number;
}

export type CounterModel = Model<CounterDoc>;

export function counterModel(conn: Connection): CounterModel {
  const schema = new Schema<CounterDoc>({ _id: { type: String, required: true }, value: { type: Number, required: true } }, { versionKey: false });
  return conn.model<CounterDoc>('Counter', schema, 'counters');
}

export class TicketNumbers {
  constructor(
    private readonly counters: CounterModel,
    private readonly claims: Claims,
  ) {}

  async next(owner: string): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      let value: number;
      try {
        const doc = await this.counters.findOneAndUpdate({ _id: 'ticket-number' }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
        value = doc!.value;
      } catch (err) {
        if (isConflict(err)) continue; // two first tickets raced to create the counter
        throw err;
      }
      const number = FIRST_TICKET_NUMBER - 1 + value;
      if (await this.claims.take(`ticket-number:${number}`, owner)) return number;
    }
    throw new AppError('UNAVAILABLE', 'Could not number the ticket; please try again');
  }
}
