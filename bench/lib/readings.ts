/**
 * What both servers the bench measures (ours and the bare relay) answer over their IPC side
 * channel about themselves: memory after a full GC, and the sampling heap profiler, for "what does
 * a connection keep alive" (started before the connections come, read while they are still open;
 * `--heap` in density writes it beside the results).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Handlers } from './rpc.js';

export function readingHandlers(): Handlers {
  const gc = (globalThis as { gc?: () => void }).gc;
  const inspector = new Session();
  inspector.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => inspector.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  return {
    'heap.start': () => post('HeapProfiler.startSampling', { samplingInterval: 4096 }),
    'heap.write': async ({ file }: { file: string }) => {
      if (gc) gc();
      const { profile } = await post<{ profile: unknown }>('HeapProfiler.getSamplingProfile');
      await post('HeapProfiler.stopSampling');
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
    mem: ({ collect }: { collect?: boolean }) => {
      if (collect && gc) {
        gc();
        gc();
      }
      return process.memoryUsage();
    },
  };
}
