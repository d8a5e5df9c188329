import { describe, expect, it } from 'vitest';
import { verifySignature } from '../src/lib/signature.js';

// A fixed secret for the test only; the real one comes from STRIPE_WEBHOOK_SECRET.
const secret = 'whsec_test_secret';
const payload = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}');
const now = 1718006400;

describe('verifySignature', () => {
  it('accepts the signature Stripe would send', () => {
    const header = 't=1718006400,v1=2322525bf506726f13462dc1bca674d3b6bb4474b237860e79d01a637cff263c';
    expect(verifySignature(payload, header, secret, 300, now)).toBe(true);
  });

  it('rejects a tampered payload', () => {
    const header = 't=1718006400,v1=2322525bf506726f13462dc1bca674d3b6bb4474b237860e79d01a637cff263c';
    expect(verifySignature(Buffer.from('{"id":"evt_2"}'), header, secret, 300, now)).toBe(false);
  });

  it('rejects an old timestamp', () => {
    const header = 't=1718000000,v1=2322525bf506726f13462dc1bca674d3b6bb4474b237860e79d01a637cff263c';
    expect(verifySignature(payload, header, secret, 300, now)).toBe(false);
  });
});
