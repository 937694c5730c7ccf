import { Redis } from 'ioredis';

/**
 * The Redis connection that server processes share state through (rate-limit counters), when
 * `REDIS_URL` is set; none otherwise (each process then counts in its own memory). Commands wait
 * for a connection up to a second and then fail, so a Redis outage never stalls requests: the rate
 * limiter lets them through (the database's login lockouts still hold) and logs the error.
 */
export function openRedis(url: string, log?: { warn(msg: string): void }): Redis {
  const redis = new Redis(url, {
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: 1_000,
    lazyConnect: false,
  });
  let warned = false;
  redis.on('error', (err) => {
    if (warned) return;
    warned = true;
    log?.warn(
      `Redis (${url.replace(/\/\/[^@]*@/, '//')}): ${err.message}; rate limits fall back to letting requests through`,
    );
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}
