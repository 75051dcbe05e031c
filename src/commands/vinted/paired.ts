/*
 * Work on Vinted goes only to a device signed in as the connected member. A seller may have
 * several browsers, one of them signed in to another Vinted account (a partner's, an old one):
 * a task performed there would publish on the wrong account. So a device says which member it
 * is signed in as (POST /api/plugin/session), and asking for tasks or reporting observations is
 * refused until that member is the one Vinted is connected to.
 */
import { connectionDecider, connectionStream, type ConnectionEvent, type ConnectionState } from '../../domain/connection/connection';
import type { Queryable } from '../../infra/db/postgres';
import { ConflictError } from '../../shared/errors';
import type { CommandDeps } from '../command';

export async function recordDeviceMember(db: Queryable, deviceId: string, memberId: string): Promise<void> {
  await db.query('update public.plugin_devices set vinted_member_id = $2 where id = $1', [deviceId, memberId]);
}

/** The Vinted connection as its stream has it now. */
export async function vintedConnection(store: CommandDeps['store'], tenant: number): Promise<ConnectionState> {
  const history = await store.readStream(tenant, connectionStream('vinted'));
  return history.reduce((s, e) => connectionDecider.evolve(s, e as unknown as ConnectionEvent), connectionDecider.initialState);
}

export async function assertActsForConnectedMember(deps: { store: CommandDeps['store']; pool: Queryable }, tenant: number, deviceId: string): Promise<void> {
  const [connection, device] = await Promise.all([
    vintedConnection(deps.store, tenant),
    deps.pool.query<{ vinted_member_id: string | null }>('select vinted_member_id from public.plugin_devices where id = $1', [deviceId]),
  ]);
  const member = device.rows[0]?.vinted_member_id ?? null;
  if (connection.status !== 'connected' || !connection.account) {
    throw new ConflictError('Vinted is not connected: the extension pairs with POST /api/plugin/session once signed in to Vinted', 'vinted_not_connected');
  }
  if (member === null) throw new ConflictError('This device has not said which Vinted member it is signed in as: POST /api/plugin/session first', 'device_not_paired');
  if (member !== connection.account.id) {
    throw new ConflictError(`This device is signed in to another Vinted member than the connected one (${connection.account.name})`, 'vinted_member_differs');
  }
}
