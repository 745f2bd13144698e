import { Router } from 'express';
import { z } from 'zod';
import { ALERT_JOB_STATES, type AlertJobList, type AlertJobState } from '../../../shared/alerts.js';
import { alertJobListInput } from '../../../shared/schemas/alerts.js';
import { AppError, notFound } from '../../http/errors.js';
import { parse } from '../../http/validate.js';
import { toAlertJobDTO, type AlertJobModel } from './alert-job.model.js';
import type { OutboxWorker } from './outbox-worker.js';

const jobId = z.string().min(1).max(300);

/** Admin only (mounted behind requireAgent + requireAdmin): what the alert outbox holds, and a second chance for failures. */
export function alertRoutes(jobs: AlertJobModel, worker: OutboxWorker, maxAttempts: number): Router {
  const r = Router();
  r.get('/alerts', async (req, res) => {
    const q = parse(alertJobListInput, req.query);
    const filter = q.state ? { state: q.state } : {};
    const [list, ...counts] = await Promise.all([
      jobs.find(filter).sort({ createdAt: -1 }).limit(q.limit).lean(),
      ...ALERT_JOB_STATES.map((state) => jobs.countDocuments({ state })),
    ]);
    const body: AlertJobList = {
      jobs: list.map(toAlertJobDTO),
      counts: Object.fromEntries(ALERT_JOB_STATES.map((s, i) => [s, counts[i]!])) as Record<AlertJobState, number>,
    };
    res.json(body);
  });
  r.post('/alerts/:id/retry', async (req, res) => {
    const id = parse(jobId, req.params.id);
    const job = await jobs.findById(id).lean();
    if (!job) throw notFound('Alert job');
    if (job.state !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be retried; this one is ${job.state}`);
    // A fresh run of attempts, continuing the count so that earlier attempts' claims stay spent.
    await jobs.updateOne({ _id: id, state: 'failed' }, { $set: { state: 'pending', dueAt: new Date(), finishedAt: null, maxAttempts: job.attempts + maxAttempts } });
    worker.nudge(new Date());
    res.json(toAlertJobDTO((await jobs.findById(id).lean())!));
  });
  return r;
}
