/*
 * Checkpoints live in the tenant's schema next to the read models they describe, so a read model
 * and its checkpoint always change in the same transaction.
 */
import type { Queryable } from '../infra/db/postgres';

export async function lockCheckpoint(tx: Queryable, schema: string, name: string): Promise<bigint> {
  // The no-op update takes the row lock and returns the position in one round trip.
  const { rows } = await tx.query<{ position: number | string }>(
    `insert into "${schema}".checkpoints as c (name, position) values ($1, 0)
     on conflict (name) do update set name = c.name
     returning c.position`,
    [name],
  );
  return BigInt(rows[0]!.position);
}

export async function saveCheckpoint(tx: Queryable, schema: string, name: string, position: bigint): Promise<void> {
  await tx.query(`update "${schema}".checkpoints set position = $2, updated_at = now() where name = $1`, [name, position.toString()]);
}

export async function readCheckpoints(db: Queryable, schema: string): Promise<Map<string, bigint>> {
  const { rows } = await db.query<{ name: string; position: number | string }>(`select name, position from "${schema}".checkpoints`);
  return new Map(rows.map((r) => [r.name, BigInt(r.position)]));
}
