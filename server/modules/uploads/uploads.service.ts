/**
 * Attachments: files are checked by their content (magic bytes via file-type; plain text by
 * decoding it), must match the allowlist in shared/tickets.ts and the extension of their name,
 * and are stored under DATA_DIR/uploads with random names. They are served only to the
 * participants of the conversation they were sent in (and to agents).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { Types } from 'mongoose';
import { ATTACHMENT_TYPES, type AttachmentType } from '../../../shared/tickets.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Actor, AttachmentBinder, ConversationsService } from '../conversations/conversations.service.js';
import { actorKey } from '../conversations/conversations.service.js';
import { toAttachmentDTO, type AttachmentDoc, type AttachmentModel } from './attachment.model.js';

export interface IncomingFile {
  originalname: string;
  buffer: Buffer;
}

const TEXT_EXTENSIONS: readonly string[] = ATTACHMENT_TYPES['text/plain'].extensions;

export class UploadsService implements AttachmentBinder {
  private readonly dir: string;

  constructor(
    private readonly attachments: AttachmentModel,
    private readonly conversations: ConversationsService,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'uploads');
  }

  async store(actor: Actor, files: IncomingFile[], conversationId: string | undefined): Promise<AttachmentDTO[]> {
    if (files.length === 0) throw new AppError('VALIDATION', 'Invalid input: add at least one file in the "files" field', [{ path: 'files', message: 'is required' }]);
    const conv = conversationId ? await this.conversations.visible(actor, conversationId) : null;
    // Check every file before storing any, so a bad one in a batch leaves nothing behind.
    const checked = await Promise.all(files.map(async (f, i) => ({ ...(await this.check(f, i)), buffer: f.buffer })));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const out: AttachmentDTO[] = [];
    for (const f of checked) {
      const storedName = randomBytes(16).toString('hex');
      await writeFile(join(this.dir, storedName), f.buffer, { flag: 'wx', mode: 0o600 });
      const doc = await this.attachments.create({
        uploaderKey: actorKey(actor),
        conversationId: conv?._id ?? null,
        name: f.name,
        size: f.buffer.length,
        type: f.type,
        inline: ATTACHMENT_TYPES[f.type].inline,
        storedName,
        createdAt: new Date(),
      });
      out.push(toAttachmentDTO(doc.toObject()));
    }
    return out;
  }

  /** AttachmentBinder: the uploader's own files, not yet sent elsewhere, become this message's. */
  async bind(ids: readonly string[], uploaderKey: string, conversationId: string): Promise<AttachmentDTO[]> {
    const objectIds = ids.map((id) => new Types.ObjectId(id));
    const docs = await this.attachments.find({ _id: { $in: objectIds } }).lean();
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    const result: AttachmentDTO[] = [];
    for (const id of ids) {
      const doc = byId.get(id);
      const usable = doc && doc.uploaderKey === uploaderKey && !doc.feedbackId && (!doc.conversationId || doc.conversationId.toHexString() === conversationId);
      if (!usable) throw new AppError('VALIDATION', `Invalid input: attachment ${id} is not one of your uploads, or was sent elsewhere`, [{ path: 'attachmentIds', message: 'unknown attachment' }]);
      result.push(toAttachmentDTO(doc));
    }
    await this.attachments.updateMany({ _id: { $in: objectIds }, conversationId: null }, { $set: { conversationId: new Types.ObjectId(conversationId) } });
    return result;
  }

  /** The file, if the actor may read it; NOT_FOUND otherwise (never revealing that it exists). */
  async open(actor: Actor, id: string): Promise<{ doc: AttachmentDoc; data: Buffer }> {
    const doc = Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id) ? await this.attachments.findById(id).lean() : null;
    if (!doc) throw notFound('Attachment');
    if (actor.kind === 'visitor') {
      if (doc.conversationId) await this.conversations.visible(actor, doc.conversationId.toHexString()).catch(() => Promise.reject(notFound('Attachment')));
      else if (doc.uploaderKey !== actorKey(actor)) throw notFound('Attachment');
    }
    try {
      return { doc, data: await readFile(join(this.dir, doc.storedName)) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Known to the store, absent from this node's disk: the log tells the operator why (README, "Running several nodes").
      throw new Error(`attachment ${id} is missing under ${this.dir}: nodes must share DATA_DIR (or at least DATA_DIR/uploads)`, { cause: err });
    }
  }

  private async check(f: IncomingFile, index: number): Promise<{ name: string; type: AttachmentType }> {
    const name = cleanName(f.originalname);
    const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
    const refuse = (message: string) => new AppError('VALIDATION', `Invalid input: "${name}" ${message}`, [{ path: `files.${index}`, message }]);
    if (f.buffer.length === 0) throw refuse('is empty');
    const sniffed = await fileTypeFromBuffer(f.buffer);
    let type: AttachmentType;
    if (sniffed) {
      if (!(sniffed.mime in ATTACHMENT_TYPES)) throw refuse(`is a ${sniffed.ext.toUpperCase()} file, which is not accepted; send images, PDF or text files`);
      type = sniffed.mime as AttachmentType;
    } else if (TEXT_EXTENSIONS.includes(ext) && isPlainText(f.buffer)) {
      type = 'text/plain';
    } else {
      throw refuse('is not a type we accept; send images (PNG, JPEG, GIF, WebP), PDF or text files');
    }
    const allowed: readonly string[] = ATTACHMENT_TYPES[type].extensions;
    if (!allowed.includes(ext)) throw refuse(`does not match its content (${type}); its name should end in .${allowed[0]}`);
    return { name, type };
  }
}

/** Display name only: no path, no control or bidi characters, bounded length. */
export function cleanName(raw: string): string {
  // Browsers send UTF-8 names; busboy reads header parameters as latin1 unless told otherwise.
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  const decoded = utf8.includes('\uFFFD') ? raw : utf8;
  const base = decoded.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/^\.+/, '').trim();
  return (clean || 'file').slice(-200);
}

/** Valid UTF-8 with no control characters beyond tab, newlines and form feed. */
function isPlainText(buf: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}
