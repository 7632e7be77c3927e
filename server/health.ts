// Health probe: server up, Redis answering PING, queue counts. Bounded in time so a dead Redis
// cannot hang the endpoint.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HealthResponse, QueueCounts } from '../core/contracts/health.js';

export type HealthProbe = () => Promise<HealthResponse>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function createHealthProbe(deps: { redis: Redis; queue: Queue; timeoutMs?: number }): HealthProbe {
  const timeoutMs = deps.timeoutMs ?? 2000;
  return async () => {
    try {
      const pong = await withTimeout(deps.redis.ping(), timeoutMs);
      if (pong !== 'PONG') throw new Error('unexpected reply');
    } catch {
      return { status: 'degraded', server: 'ok', redis: 'unreachable', queue: null };
    }
    try {
      const counts = await withTimeout(
        deps.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
        timeoutMs,
      );
      const queue: QueueCounts = {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
      return { status: 'ok', server: 'ok', redis: 'ok', queue };
    } catch {
      return { status: 'degraded', server: 'ok', redis: 'ok', queue: null };
    }
  };
}
