import jwt from 'jsonwebtoken';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';

export interface Claims {
  sub: string;
  email: string;
  roles: string[];
}

const ISSUER = 'https://auth.harbor-logistics.example';
const AUDIENCE = 'harbor-shop';

export function signSession(config: Config, claims: Claims): string {
  return jwt.sign(claims, config.JWT_SIGNING_KEY, {
    algorithm: 'HS256',
    expiresIn: '8h',
    issuer: ISSUER,
    audience: AUDIENCE,
  });
}

export function requireUser(config: Config) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token) {
      res.status(401).json({ error: 'missing bearer token' });
      return;
    }
    try {
      // Pinning the algorithm matters: accepting `none` or RS/HS confusion is the classic bug.
      res.locals.user = jwt.verify(token, config.JWT_SIGNING_KEY, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }) as Claims;
      next();
    } catch {
      res.status(401).json({ error: 'invalid token' });
    }
  };
}
