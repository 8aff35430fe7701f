const { createRedisRateLimiter } = require('./gateway/dist/features/rate-limit-redis');
(async () => {
  const t0 = Date.now();
  const l = await createRedisRateLimiter({ url: 'redis://127.0.0.1:1', keyPrefix: 'x:' });
  for (let i = 0; i < 8; i++) await l.take('p', { perSecond: 1, burst: 2 });
  await new Promise(r => setTimeout(r, +process.argv[2]));
  await l.close();
  console.log('closed', Date.now() - t0);
  setTimeout(() => { const h = process._getActiveHandles(); console.log(h.map(x => x.constructor.name)); }, 100).unref();
})();
