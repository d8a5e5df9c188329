import pg from 'pg';

export function createPool(connectionString: string): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: Number(process.env.PGPOOL_MAX ?? 10),
    idleTimeoutMillis: 30_000,
    ssl: process.env.PGSSLMODE === 'require' ? { rejectUnauthorized: true } : undefined,
  });
}

// Local development database, started by docker-compose (see README).
export const LOCAL_DATABASE_URL = 'postgres://harbor:harbor@localhost:5432/harbor_shop';
