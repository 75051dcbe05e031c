/*
 * The connection commands a seller or a process issues once the marketplace has spoken: record
 * a grant (after a consent), record a revocation (a refresh was refused), choose settings, and
 * disconnect. Each goes through the one write path on the marketplace's connection stream.
 */
import { connectionDecider, connectionStream, type ConnectionCommand, type Marketplace } from '../../domain/connection/connection';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';

export async function runConnectionCommand(deps: CommandDeps, tenant: number, command: ConnectionCommand, metadata: CommandMetadata) {
  return runCommand(deps, tenant, { stream: connectionStream(command.marketplace), decider: connectionDecider, command }, metadata);
}

/** Called by the token store when a marketplace refuses a refresh: the seller must connect again. */
export async function recordRevocation(deps: CommandDeps, tenant: number, marketplace: Marketplace, reason: string, metadata: CommandMetadata): Promise<void> {
  await runConnectionCommand(deps, tenant, { type: 'RecordRevocation', marketplace, reason, now: deps.clock.now() }, metadata);
}
