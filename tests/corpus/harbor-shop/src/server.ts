import express from 'express';
import * as Sentry from '@sentry/node';
import { loadConfig } from './config.js';
import { createPool } from './db/pool.js';
import { paymentsRouter } from './routes/payments.js';
import { webhooksRouter } from './routes/webhooks.js';
import { requireUser } from './auth/jwt.js';

const config = loadConfig();

if (config.SENTRY_DSN) {
  Sentry.init({ dsn: config.SENTRY_DSN, environment: config.NODE_ENV, tracesSampleRate: 0.1 });
}

const app = express();
const pool = createPool(config.DATABASE_URL);

// Webhooks need the raw body to check the signature, so they are mounted before json().
app.use('/webhooks', express.raw({ type: 'application/json' }), webhooksRouter(config));
app.use(express.json({ limit: '256kb' }));
app.use(express.static('public', { maxAge: '7d', immutable: true }));

app.get('/healthz', async (_req, res) => {
  await pool.query('select 1');
  res.json({ ok: true });
});

app.use('/api/payments', requireUser(config), paymentsRouter(config, pool));

app.listen(config.PORT, () => {
  console.log(`harbor-shop listening on :${config.PORT}`);
});
