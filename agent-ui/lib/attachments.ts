/**
 * The attachment limits of shared/tickets.ts, checked before an upload so the agent hears at once
 * why a file cannot go. The server decides the type from the content and stays the authority.
 */
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../shared/tickets.js';
import { formatBytes } from './format.js';

const TYPES: Readonly<Record<string, { readonly extensions: readonly string[] }>> = ATTACHMENT_TYPES;
const EXTENSIONS = new Set(Object.values(TYPES).flatMap((t) => t.extensions));

/** For `<input type=file accept>`: the file picker offers only what the server takes. */
export const ACCEPT_ATTRIBUTE = [...Object.keys(TYPES), ...[...EXTENSIONS].map((e) => `.${e}`)].join(',');

/** "PNG, JPG, JPEG, GIF, WEBP, PDF, TXT, LOG or CSV", for hints and refusals. */
export const ACCEPTED_LABEL = (() => {
  const names = [...EXTENSIONS].map((e) => e.toUpperCase());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
})();

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * Browsers leave `type` empty for some files (".log" on most systems); the extension decides then.
 * A known type with a mismatching extension still passes: the server sniffs the content.
 */
function acceptedType(file: File): boolean {
  if (file.type && file.type in TYPES) return true;
  return EXTENSIONS.has(extensionOf(file.name));
}

export interface FileCheck {
  accepted: File[];
  /** One sentence per refused file (or for the batch), ready to show. */
  problems: string[];
}

/** Splits a picked batch into the files that may be uploaded and the reasons the rest may not. */
export function checkFiles(files: readonly File[], alreadyAttached: number): FileCheck {
  const accepted: File[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (!acceptedType(file)) {
      problems.push(`"${file.name}" cannot be attached: only ${ACCEPTED_LABEL} files are accepted.`);
    } else if (file.size > MAX_ATTACHMENT_BYTES) {
      problems.push(`"${file.name}" is too large (${formatBytes(file.size)}); the limit is ${formatBytes(MAX_ATTACHMENT_BYTES)} per file.`);
    } else if (file.size === 0) {
      problems.push(`"${file.name}" is empty.`);
    } else {
      accepted.push(file);
    }
  }
  const room = Math.max(0, MAX_ATTACHMENTS_PER_MESSAGE - alreadyAttached);
  if (accepted.length > room) {
    const left = accepted.splice(room);
    problems.push(
      `At most ${MAX_ATTACHMENTS_PER_MESSAGE} files per message: ${left.map((f) => `"${f.name}"`).join(', ')} ${left.length === 1 ? 'was' : 'were'} left out.`,
    );
  }
  return { accepted, problems };
}
