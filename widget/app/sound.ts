/**
 * The chime for an agent's message, made with WebAudio: no audio file to fetch, so nothing for a
 * host's CSP to allow (media-src). Browsers start an AudioContext only after a user gesture, so the
 * widget calls `unlockSound` from clicks and keys in it while sound is on; before that, `chime` is silent.
 */
let context: AudioContext | undefined;

export function unlockSound(): void {
  context ??= new AudioContext();
  if (context.state == 'suspended') void context.resume();
}

/** Two short rising notes, quiet, fading out. */
export function chime(): void {
  const ctx = context;
  if (ctx?.state != 'running') return;
  const now = ctx.currentTime;
  const gain = ctx.createGain();
  gain.connect(ctx.destination);
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.12, now + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
  const tone = ctx.createOscillator();
  tone.frequency.setValueAtTime(660, now);
  tone.frequency.setValueAtTime(880, now + 0.12);
  tone.connect(gain);
  tone.start(now);
  tone.stop(now + 0.36);
}
