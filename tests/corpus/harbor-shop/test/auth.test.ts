import { describe, expect, it } from 'vitest';
import express from 'express';
import request from 'supertest';
import { requireUser, signSession } from '../src/auth/jwt.js';
import type { Config } from '../src/config.js';

const config = {
  JWT_SIGNING_KEY: 'test-signing-key-test-signing-key-test',
} as Config;

function app() {
  const a = express();
  a.get('/me', requireUser(config), (_req, res) => res.json(res.locals.user));
  return a;
}

describe('requireUser', () => {
  it('accepts a token we signed', async () => {
    const token = signSession(config, { sub: 'user-42', email: 'ada@example.com', roles: ['customer'] });
    const res = await request(app()).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe('user-42');
  });

  it('rejects an unsigned token (alg: none)', async () => {
    // Header {"alg":"none"} and an empty signature: must never be accepted.
    const unsigned =
      'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb20iLCJyb2xlcyI6WyJjdXN0b21lciJdLCJpc3MiOiJodHRwczovL2F1dGguaGFyYm9yLWxvZ2lzdGljcy5leGFtcGxlIiwiYXVkIjoiaGFyYm9yLXNob3AifQ.';
    const res = await request(app()).get('/me').set('Authorization', `Bearer ${unsigned}`);
    expect(res.status).toBe(401);
  });

  it('rejects a missing header', async () => {
    const res = await request(app()).get('/me');
    expect(res.status).toBe(401);
  });
});
