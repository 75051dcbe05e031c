import { connectionDecider, type ConnectionCommand, type ConnectionEvent } from '../../src/domain/connection/connection';
import { fold } from '../../src/domain/shared/decider';
import { ConflictError, DomainRuleError, NotFoundError, ValidationError } from '../../src/shared/errors';

const now = new Date('2026-12-02T10:00:00.000Z');
const account = { id: 'u-1', name: 'vintage_shop_fr' };

function given(...events: ConnectionEvent[]) {
  const state = fold(connectionDecider, events);
  return { when: (command: ConnectionCommand) => connectionDecider.decide(command, state), state };
}

const connected = (who = account): ConnectionEvent => ({
  type: 'MarketplaceConnected',
  data: { marketplace: 'ebay', account: who, scopes: ['sell.inventory'], site: 'EBAY_FR', options, connected_at: now.toISOString(), reconnected: false },
});
const options = {
  payment_policy_id: [
    { id: 'p1', name: 'PayPal' },
    { id: 'p2', name: 'Managed' },
  ],
  return_policy_id: [
    { id: 'r1', name: '30 days' },
    { id: 'r2', name: 'No returns' },
  ],
};
const connect = (who = account, offered = options): ConnectionCommand => ({ type: 'RecordConnection', marketplace: 'ebay', account: who, scopes: ['sell.inventory', 'sell.account'], site: 'EBAY_FR', options: offered, now });
const choose = (settings: Record<string, string>): ConnectionCommand => ({ type: 'ChooseSettings', marketplace: 'ebay', settings, options, now });

describe('Marketplace connection decider', () => {
  describe('Given nothing connected', () => {
    it('When a grant is recorded, then the marketplace is connected with the account and its scopes, sorted', () => {
      expect(given().when(connect())).toEqual([
        { type: 'MarketplaceConnected', data: { marketplace: 'ebay', account, scopes: ['sell.account', 'sell.inventory'], site: 'EBAY_FR', options, connected_at: now.toISOString(), reconnected: false } },
      ]);
    });

    it('When a setting has a single option, then it is chosen along with the connection', () => {
      const offered = { ...options, fulfillment_policy_id: [{ id: 'f1', name: 'Colissimo' }] };
      const events = given().when(connect(account, offered));
      expect(events[1]).toEqual({ type: 'MarketplaceSettingsChosen', data: { marketplace: 'ebay', settings: { fulfillment_policy_id: 'f1' }, options: offered, chosen_at: now.toISOString() } });
    });

    it('When settings are chosen, then it is refused as not connected', () => {
      expect(() => given().when(choose({ payment_policy_id: 'p1' }))).toThrow(NotFoundError);
    });

    it('When it is disconnected or a revocation arrives, then nothing happens', () => {
      expect(given().when({ type: 'Disconnect', marketplace: 'ebay', now })).toEqual([]);
      expect(given().when({ type: 'RecordRevocation', marketplace: 'ebay', reason: 'invalid_grant', now })).toEqual([]);
    });
  });

  describe('Given a connected account', () => {
    it('When the same account grants again, then it is a reconnection that keeps its settings', () => {
      const settings: ConnectionEvent = { type: 'MarketplaceSettingsChosen', data: { marketplace: 'ebay', settings: { payment_policy_id: 'p1' }, options, chosen_at: now.toISOString() } };
      const events = given(connected(), settings).when(connect());
      expect(events[0]).toMatchObject({ type: 'MarketplaceConnected', data: { reconnected: true } });
      expect(fold(connectionDecider, [connected(), settings, ...events]).settings).toEqual({ payment_policy_id: 'p1' });
    });

    it('When another account grants, then it is refused: the first must be disconnected', () => {
      expect(() => given(connected()).when(connect({ id: 'u-2', name: 'other' }))).toThrow(ConflictError);
    });

    it('When settings are chosen, then only the changed ones are recorded, and choosing them again records nothing', () => {
      const first = given(connected()).when(choose({ payment_policy_id: 'p1', return_policy_id: 'r1' }));
      expect(first).toEqual([{ type: 'MarketplaceSettingsChosen', data: { marketplace: 'ebay', settings: { payment_policy_id: 'p1', return_policy_id: 'r1' }, options, chosen_at: now.toISOString() } }]);
      const again = given(connected(), ...first);
      expect(again.when(choose({ payment_policy_id: 'p1', return_policy_id: 'r2' }))).toEqual([
        { type: 'MarketplaceSettingsChosen', data: { marketplace: 'ebay', settings: { return_policy_id: 'r2' }, options, chosen_at: now.toISOString() } },
      ]);
      expect(again.when(choose({ payment_policy_id: 'p1' }))).toEqual([]);
    });

    it('When a chosen id is not among the account\'s options, then it is refused naming the setting', () => {
      let error: unknown;
      try {
        given(connected()).when(choose({ payment_policy_id: 'p1', return_policy_id: 'r9' }));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([{ field: 'return_policy_id', message: expect.stringContaining('r1, r2') }]);
    });

    it('When the marketplace refuses the grant, then the connection is revoked once, with the reason cut to 500 characters', () => {
      const events = given(connected()).when({ type: 'RecordRevocation', marketplace: 'ebay', reason: 'x'.repeat(600), now });
      expect(events).toHaveLength(1);
      expect((events[0]!.data as { reason: string }).reason).toHaveLength(500);
      const revoked = given(connected(), ...events);
      expect(revoked.state.status).toBe('revoked');
      expect(revoked.when({ type: 'RecordRevocation', marketplace: 'ebay', reason: 'again', now })).toEqual([]);
      expect(() => revoked.when(choose({ payment_policy_id: 'p1' }))).toThrow(DomainRuleError);
    });

    it('When it is disconnected, then the account stays known for history and a new account may connect', () => {
      const events = given(connected()).when({ type: 'Disconnect', marketplace: 'ebay', now });
      expect(events).toEqual([{ type: 'MarketplaceDisconnected', data: { marketplace: 'ebay', disconnected_at: now.toISOString() } }]);
      const after = given(connected(), ...events);
      expect(after.state).toMatchObject({ status: 'disconnected', account });
      const other = after.when(connect({ id: 'u-2', name: 'other' }));
      expect(other[0]).toMatchObject({ data: { reconnected: false } });
      expect(fold(connectionDecider, [connected(), ...events, ...other]).settings).toEqual({});
    });
  });

  describe('Notifications', () => {
    const pushed = { topics: ['ORDER_CONFIRMATION'], destination_id: 'd-1', subscription_ids: { ORDER_CONFIRMATION: 's-1' } };
    const record = (outcome: Extract<ConnectionCommand, { type: 'RecordNotifications' }>['outcome']): ConnectionCommand => ({ type: 'RecordNotifications', marketplace: 'ebay', outcome, now });
    const subscribed: ConnectionEvent = { type: 'MarketplaceNotificationsSubscribed', data: { marketplace: 'ebay', ...pushed, subscribed_at: now.toISOString() } };

    it('Given a connected account, when eBay subscribes it, then the subscription is recorded once', () => {
      expect(given(connected()).when(record({ subscribed: pushed }))).toEqual([subscribed]);
      expect(given(connected(), subscribed).when(record({ subscribed: pushed }))).toEqual([]);
      expect(given(connected(), subscribed).state.notifications).toEqual({ status: 'subscribed', ...pushed });
    });

    it('Given a subscription, when eBay answers with another one, then the new ids are recorded', () => {
      const moved = { ...pushed, destination_id: 'd-2' };
      expect(given(connected(), subscribed).when(record({ subscribed: moved }))).toEqual([{ type: 'MarketplaceNotificationsSubscribed', data: { marketplace: 'ebay', ...moved, subscribed_at: now.toISOString() } }]);
    });

    it('Given an account, when eBay refuses, then the reason is recorded once, and a reconnection asks again', () => {
      const refused: ConnectionEvent = { type: 'MarketplaceNotificationsUnavailable', data: { marketplace: 'ebay', reason: 'Not authorized for this topic. (195011)', at: now.toISOString() } };
      expect(given(connected()).when(record({ unavailable: 'Not authorized for this topic. (195011)' }))).toEqual([refused]);
      expect(given(connected(), refused).when(record({ unavailable: 'Not authorized for this topic. (195011)' }))).toEqual([]);
      expect(given(connected(), refused).when(record({ unavailable: 'x'.repeat(900) }))).toEqual([{ type: 'MarketplaceNotificationsUnavailable', data: { marketplace: 'ebay', reason: 'x'.repeat(500), at: now.toISOString() } }]);
      expect(given(connected(), refused, connected()).state.notifications).toEqual({ status: 'pending' });
      expect(given(connected(), refused).when(record({ subscribed: pushed }))).toEqual([subscribed]);
    });

    it('Given a disconnected or never connected account, when an answer comes late, then nothing is recorded', () => {
      expect(given().when(record({ subscribed: pushed }))).toEqual([]);
      expect(given(connected(), { type: 'MarketplaceDisconnected', data: { marketplace: 'ebay', disconnected_at: now.toISOString() } }).when(record({ unavailable: 'gone' }))).toEqual([]);
    });
  });
});
