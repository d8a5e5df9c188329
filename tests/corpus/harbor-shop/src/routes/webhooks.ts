import { Router } from 'express';
import { verifySignature } from '../lib/signature.js';
import type { Config } from '../config.js';

export function webhooksRouter(config: Config): Router {
  const router = Router();
  router.post('/stripe', (req, res) => {
    const header = req.get('stripe-signature') ?? '';
    if (!verifySignature(req.body as Buffer, header, config.STRIPE_WEBHOOK_SECRET)) {
      res.status(400).send('bad signature');
      return;
    }
    const event = JSON.parse((req.body as Buffer).toString('utf8'));
    console.log(`stripe event ${event.id} (${event.type})`);
    res.sendStatus(204);
  });
  return router;
}
