/*
 * What revoking an extension device means here: the tasks it held go back to the queue (it can
 * no longer report on them), and with the last device gone nothing can act on Vinted any more,
 * so the Vinted connection is recorded as disconnected.
 */
import type { CommandDeps } from '../command';
import { runConnectionCommand } from '../connections/record-connection';
import type { VintedQueueDeps } from './deps';
import { releaseDeviceLeases } from './lease-task';

export async function afterDeviceRevoked(deps: CommandDeps & Pick<VintedQueueDeps, 'pool' | 'tenancy'>, tenant: number, deviceId: string, remaining: number, who: { userId: string; requestId: string }): Promise<void> {
  await releaseDeviceLeases(deps, tenant, deviceId);
  if (remaining > 0) return;
  await runConnectionCommand(deps, tenant, { type: 'Disconnect', marketplace: 'vinted', now: deps.clock.now() }, { event: { actor: who.userId, request_id: who.requestId, correlation_id: who.requestId, device_id: deviceId } });
}
