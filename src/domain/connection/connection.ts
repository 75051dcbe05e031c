/*
 * A tenant's account on one marketplace: one stream per marketplace (`connection-ebay`), so a
 * seller connects at most one account of each. The log records who connected which account,
 * the settings chosen for publishing, and how the connection ended (refused by the marketplace,
 * or disconnected by the seller). Tokens never enter the log: they are secrets that expire and
 * rotate, kept encrypted beside it (src/infra/token-cipher.ts); an event only says a grant was
 * made, with its scopes.
 */
import { ConflictError, DomainRuleError, NotFoundError, ValidationError } from '../../shared/errors';
import type { Decider, DomainEvent } from '../shared/decider';

export const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

export interface MarketplaceAccount {
  /** The marketplace's own id of the account (eBay user id, Etsy user id, Vinted member id). */
  id: string;
  /** What the seller recognises: eBay username, Etsy shop name. */
  name: string;
  /** Etsy shop id; absent elsewhere. */
  shop_id?: string;
}

/** What the seller may choose from, per setting (`payment_policy_id` → the account's payment policies). */
export type ConnectionOptions = Record<string, { id: string; name: string }[]>;

export type MarketplaceConnected = DomainEvent<
  'MarketplaceConnected',
  { marketplace: Marketplace; account: MarketplaceAccount; scopes: string[]; site: string | null; options: ConnectionOptions; connected_at: string; reconnected: boolean }
>;
/**
 * Marketplace-specific publishing settings (eBay policies and location, Etsy profiles), with the
 * options as the marketplace listed them when they were chosen.
 */
export type MarketplaceSettingsChosen = DomainEvent<'MarketplaceSettingsChosen', { marketplace: Marketplace; settings: Record<string, string>; options: ConnectionOptions; chosen_at: string }>;
/** The marketplace refused the grant (a refresh was refused, or the seller revoked access there). */
export type MarketplaceConnectionRevoked = DomainEvent<'MarketplaceConnectionRevoked', { marketplace: Marketplace; reason: string; revoked_at: string }>;
export type MarketplaceDisconnected = DomainEvent<'MarketplaceDisconnected', { marketplace: Marketplace; disconnected_at: string }>;
/** The marketplace now pushes the account's orders to Stoflow (eBay's Notification API). */
export type MarketplaceNotificationsSubscribed = DomainEvent<
  'MarketplaceNotificationsSubscribed',
  { marketplace: Marketplace; topics: string[]; destination_id: string; subscription_ids: Record<string, string>; subscribed_at: string }
>;
/** The marketplace will not push this account's orders (why, in the seller's words): they are found by polling alone. */
export type MarketplaceNotificationsUnavailable = DomainEvent<'MarketplaceNotificationsUnavailable', { marketplace: Marketplace; reason: string; at: string }>;

export type ConnectionEvent = MarketplaceConnected | MarketplaceSettingsChosen | MarketplaceConnectionRevoked | MarketplaceDisconnected | MarketplaceNotificationsSubscribed | MarketplaceNotificationsUnavailable;

/** Whether the marketplace pushes the account's orders: `pending` until Stoflow has asked it. */
export type ConnectionNotifications =
  | { status: 'pending' }
  | { status: 'subscribed'; topics: string[]; destination_id: string; subscription_ids: Record<string, string> }
  | { status: 'unavailable'; reason: string };

export type ConnectionStatus = 'disconnected' | 'connected' | 'revoked';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Null until first connected; kept after a disconnection, for history. */
  account: MarketplaceAccount | null;
  scopes: string[];
  site: string | null;
  settings: Record<string, string>;
  options: ConnectionOptions;
  notifications: ConnectionNotifications;
}

export type ConnectionCommand =
  | { type: 'RecordConnection'; marketplace: Marketplace; account: MarketplaceAccount; scopes: string[]; site: string | null; options: ConnectionOptions; now: Date }
  /** `options`: as the marketplace lists them now; every chosen id must be among them. */
  | { type: 'ChooseSettings'; marketplace: Marketplace; settings: Record<string, string>; options: ConnectionOptions; now: Date }
  | { type: 'RecordRevocation'; marketplace: Marketplace; reason: string; now: Date }
  | { type: 'Disconnect'; marketplace: Marketplace; now: Date }
  /** What the marketplace answered when asked to push the account's orders. */
  | { type: 'RecordNotifications'; marketplace: Marketplace; outcome: { subscribed: { topics: string[]; destination_id: string; subscription_ids: Record<string, string> } } | { unavailable: string }; now: Date };

export function connectionStream(marketplace: Marketplace): string {
  return `connection-${marketplace}`;
}

export const initialConnection: ConnectionState = { status: 'disconnected', account: null, scopes: [], site: null, settings: {}, options: {}, notifications: { status: 'pending' } };

export const connectionDecider: Decider<ConnectionCommand, ConnectionEvent, ConnectionState> = {
  initialState: initialConnection,

  evolve(state, event) {
    switch (event.type) {
      case 'MarketplaceConnected': {
        const sameAccount = state.account?.id === event.data.account.id;
        // Another account's settings (its policies, its shop's profiles) mean nothing for this one.
        // A new grant is asked again whether the marketplace will push (a reconnection may bring the scope that was missing).
        return { status: 'connected', account: event.data.account, scopes: event.data.scopes, site: event.data.site, options: event.data.options, settings: sameAccount ? state.settings : {}, notifications: { status: 'pending' } };
      }
      case 'MarketplaceSettingsChosen':
        return { ...state, options: event.data.options, settings: { ...state.settings, ...event.data.settings } };
      case 'MarketplaceConnectionRevoked':
        return { ...state, status: 'revoked' };
      case 'MarketplaceDisconnected':
        return { ...state, status: 'disconnected' };
      case 'MarketplaceNotificationsSubscribed':
        return { ...state, notifications: { status: 'subscribed', topics: event.data.topics, destination_id: event.data.destination_id, subscription_ids: event.data.subscription_ids } };
      case 'MarketplaceNotificationsUnavailable':
        return { ...state, notifications: { status: 'unavailable', reason: event.data.reason } };
      default: {
        const never: never = event;
        return never;
      }
    }
  },

  decide(command, state) {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'RecordConnection': {
        // Listings belong to the account they were published with: switching accounts in place
        // would leave them pointing at a shop the tokens no longer open.
        if (state.status === 'connected' && state.account && state.account.id !== command.account.id) {
          throw new ConflictError(
            `${command.marketplace} is connected to another account (${state.account.name}): disconnect it first`,
            'marketplace_account_differs',
            { errors: [{ field: 'account', message: `is not the connected account ${state.account.name}` }] },
          );
        }
        const reconnected = state.account?.id === command.account.id;
        const connected: ConnectionEvent = {
          type: 'MarketplaceConnected',
          data: { marketplace: command.marketplace, account: command.account, scopes: [...command.scopes].sort(), site: command.site, options: command.options, connected_at: at, reconnected },
        };
        // A setting with a single option is chosen for the seller (most have one return policy).
        const kept = reconnected ? state.settings : {};
        const only = Object.fromEntries(
          Object.entries(command.options)
            .filter(([key, list]) => list.length === 1 && !list.some((o) => o.id === kept[key]))
            .map(([key, list]) => [key, list[0]!.id]),
        );
        if (Object.keys(only).length === 0) return [connected];
        return [connected, { type: 'MarketplaceSettingsChosen', data: { marketplace: command.marketplace, settings: only, options: command.options, chosen_at: at } }];
      }
      case 'ChooseSettings': {
        if (state.status !== 'connected') throw notConnected(command.marketplace, state.status);
        const unknown = Object.entries(command.settings).filter(([key, id]) => !(command.options[key] ?? []).some((o) => o.id === id));
        if (unknown.length > 0) {
          throw new ValidationError(
            unknown.map(([key, id]) => ({ field: key, message: `${id} is not among the ${command.marketplace} account's options (${(command.options[key] ?? []).map((o) => o.id).join(', ') || 'none'})` })),
            true,
          );
        }
        const changed = Object.fromEntries(Object.entries(command.settings).filter(([k, v]) => state.settings[k] !== v));
        if (Object.keys(changed).length === 0) return [];
        return [{ type: 'MarketplaceSettingsChosen', data: { marketplace: command.marketplace, settings: changed, options: command.options, chosen_at: at } }];
      }
      case 'RecordRevocation':
        // Said once: a second refusal of the same grant adds nothing.
        if (state.status !== 'connected') return [];
        return [{ type: 'MarketplaceConnectionRevoked', data: { marketplace: command.marketplace, reason: command.reason.slice(0, 500), revoked_at: at } }];
      case 'Disconnect':
        if (state.status === 'disconnected') return [];
        return [{ type: 'MarketplaceDisconnected', data: { marketplace: command.marketplace, disconnected_at: at } }];
      case 'RecordNotifications': {
        // An answer that comes after the seller disconnected concerns a grant that is gone.
        if (state.status !== 'connected') return [];
        const now = state.notifications;
        if ('subscribed' in command.outcome) {
          const s = command.outcome.subscribed;
          const same = now.status === 'subscribed' && now.destination_id === s.destination_id && sameRecord(now.subscription_ids, s.subscription_ids);
          if (same) return [];
          return [{ type: 'MarketplaceNotificationsSubscribed', data: { marketplace: command.marketplace, topics: [...s.topics].sort(), destination_id: s.destination_id, subscription_ids: s.subscription_ids, subscribed_at: at } }];
        }
        const reason = command.outcome.unavailable.slice(0, 500);
        // Said once: asking again and hearing the same refusal adds nothing.
        if (now.status === 'unavailable' && now.reason === reason) return [];
        return [{ type: 'MarketplaceNotificationsUnavailable', data: { marketplace: command.marketplace, reason, at } }];
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function notConnected(marketplace: Marketplace, status: ConnectionStatus): Error {
  if (status === 'revoked') return new DomainRuleError(`${marketplace} refused Stoflow's access: connect it again first`, 'marketplace_revoked', 'marketplace');
  return new NotFoundError(`${marketplace} is not connected`, 'marketplace_not_connected');
}
