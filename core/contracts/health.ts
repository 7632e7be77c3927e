// GET /api/health: what an operator may see. Counts only, nothing about any submission.
import { z } from 'zod';

export const queueCountsSchema = z.strictObject({
  waiting: z.number().int().min(0),
  active: z.number().int().min(0),
  delayed: z.number().int().min(0),
  failed: z.number().int().min(0),
  completed: z.number().int().min(0),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;

export const healthResponseSchema = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  server: z.literal('ok'),
  redis: z.enum(['ok', 'unreachable']),
  queue: queueCountsSchema.nullable(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
