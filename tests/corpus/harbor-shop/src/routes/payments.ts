import { Router } from 'express';
import Stripe from 'stripe';
import type pg from 'pg';
import { z } from 'zod';
import { stripeApiVersion, type Config } from '../config.js';

const checkoutBody = z.object({
  orderId: z.string().uuid(),
  currency: z.enum(['eur', 'usd', 'gbp']),
});

export function paymentsRouter(config: Config, pool: pg.Pool): Router {
  const stripe = new Stripe(config.STRIPE_SECRET_KEY, { apiVersion: stripeApiVersion });
  const router = Router();

  router.post('/checkout', async (req, res) => {
    const body = checkoutBody.parse(req.body);
    const { rows } = await pool.query(
      'select total_cents from orders where id = $1 and customer_id = $2',
      [body.orderId, res.locals.user.sub],
    );
    if (rows.length === 0) {
      res.status(404).json({ error: 'order not found' });
      return;
    }
    const intent = await stripe.paymentIntents.create(
      { amount: rows[0].total_cents, currency: body.currency, metadata: { orderId: body.orderId } },
      { idempotencyKey: `checkout-${body.orderId}` },
    );
    res.json({ clientSecret: intent.client_secret });
  });

  return router;
}
