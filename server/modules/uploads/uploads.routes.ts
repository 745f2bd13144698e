import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../shared/tickets.js';
import { objectId } from '../../../shared/schemas/index.js';
import { AppError } from '../../http/errors.js';
import type { OriginPolicy } from '../../http/origins.js';
import { parse } from '../../http/validate.js';
import type { UploadsService } from './uploads.service.js';

const MB = MAX_ATTACHMENT_BYTES / (1024 * 1024);

/** multer's limit errors, in words a user understands. */
function multerMessage(code: string): string {
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return `A file is larger than ${MB} MB`;
    case 'LIMIT_FILE_COUNT':
      return `At most ${MAX_ATTACHMENTS_PER_MESSAGE} files at once`;
    case 'LIMIT_UNEXPECTED_FILE':
      return 'Send files in the "files" field';
    default:
      return 'The upload could not be read';
  }
}

/**
 * The widget uploads and fetches from the host site's origin (CORS and preflights: OriginPolicy.api).
 * Once the token names the actor, a page on an origin the customer's site does not allow is refused,
 * and so is any page but ours with an agent's token; before a file is read.
 */
function actorOrigin(origins: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    const actor = req.actor!;
    origins.allowSite(res, actor.kind === 'agent' ? 'agent' : actor.customer).then(() => next(), next);
  };
}

export function uploadRoutes(uploads: UploadsService, requireActor: RequestHandler, origins: OriginPolicy): Router {
  const r = Router();
  const allowed = actorOrigin(origins);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS_PER_MESSAGE, fields: 5, fieldSize: 1024, parts: MAX_ATTACHMENTS_PER_MESSAGE + 5 },
  }).array('files', MAX_ATTACHMENTS_PER_MESSAGE);

  r.post('/uploads', requireActor, allowed, (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (err) {
        const code = (err as { code?: string }).code;
        // Memory storage: every error here is the request's (limits, or a malformed multipart body, which busboy reports without a code).
        next(new AppError('VALIDATION', `Invalid input: ${multerMessage(code ?? '')}`, [{ path: 'files', message: multerMessage(code ?? '') }]));
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      // Inside multer's callback a throw is no longer Express's to catch (it would crash the process): hand it on.
      Promise.resolve()
        .then(() => uploads.store(req.actor!, files, body.conversationId ? parse(objectId, body.conversationId) : undefined))
        .then((attachments) => res.status(201).json({ attachments }), next);
    });
  });

  r.get('/attachments/:id', requireActor, allowed, async (req, res) => {
    const { doc, data } = await uploads.open(req.actor!, String(req.params.id));
    // First: res.attachment() also sets a Content-Type guessed from the name's extension, which the next line overrides.
    res.attachment(doc.name);
    res.setHeader('Content-Type', doc.type === 'text/plain' ? 'text/plain; charset=utf-8' : doc.type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Even if a browser rendered it, the file could run nothing and reach nothing (the inline style is
    // for the browser's own image viewer; `sandbox` runs no script of the file's).
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    // The widget fetches from a host site's origin: let it read the body (the token guards it, not cookies).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (doc.inline) res.setHeader('Content-Disposition', (res.getHeader('Content-Disposition') as string).replace(/^attachment/, 'inline'));
    res.send(data);
  });
  return r;
}
