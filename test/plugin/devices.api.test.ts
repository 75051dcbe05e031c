import { createHash } from 'node:crypto';
import request from 'supertest';
import { registerAccount, type Registered } from '../accounts/support';
import { pairExtension, randomMember } from '../doubles/vinted-extension';
import { startPluginApp, type PluginApp } from './support';

describe('Pairing the Vinted browser extension', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp();
  });
  afterAll(async () => t.close());

  const bearer = (who: Registered) => ({ Authorization: `Bearer ${who.accessToken}` });
  const device = (token: string) => ({ Authorization: `Device ${token}` });
  const vintedOf = async (who: Registered) => (await request(t.app).get('/api/integrations').set(bearer(who))).body.items.find((i: { marketplace: string }) => i.marketplace === 'vinted');

  it('When a device is created, then its token is shown once (32+ random bytes), kept only as its SHA-256, and the list never shows it', async () => {
    const seller = await registerAccount(t.app);
    const created = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'Chrome, office laptop' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toEqual({ device_id: expect.any(String), device_token: expect.any(String), name: 'Chrome, office laptop', created_at: expect.any(String) });
    const token: string = created.body.device_token;
    expect(Buffer.from(token.replace(/^sfd_/, ''), 'base64url').length).toBeGreaterThanOrEqual(32);

    const { rows } = await t.services.pool.query('select * from public.plugin_devices where id = $1', [created.body.device_id]);
    expect(rows[0]).toMatchObject({ tenant_id: seller.tenantId, user_id: seller.userId, name: 'Chrome, office laptop', revoked_at: null });
    expect(rows[0].token_hash).toEqual(createHash('sha256').update(token).digest());
    expect(JSON.stringify(rows[0])).not.toContain(token);

    const other = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'Firefox' });
    expect(other.body.device_token).not.toBe(token);
    const list = await request(t.app).get('/api/plugin/devices').set(bearer(seller));
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { name: string }) => d.name)).toEqual(['Firefox', 'Chrome, office laptop']);
    expect(list.body.items[0]).toEqual({ device_id: other.body.device_id, name: 'Firefox', created_at: expect.any(String), last_seen_at: null, revoked_at: null });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain('device_token');

    // The device token opens the plugin routes (no work until it pairs), and records when it was last seen.
    expect((await request(t.app).get('/api/plugin/tasks').set(device(token))).body.code).toBe('vinted_not_connected');
    const seen = await request(t.app).get('/api/plugin/devices').set(bearer(seller));
    expect(seen.body.items[1].last_seen_at).not.toBeNull();

    const bad = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: '', tenant_id: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'tenant_id']);
  });

  it('When 20 devices are paired, then a 21st is refused until one is revoked', async () => {
    const seller = await registerAccount(t.app);
    const created = [];
    for (let i = 0; i < 20; i++) created.push(await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: `Browser ${i}` }));
    expect(created.every((r) => r.status === 201)).toBe(true);
    const refused = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'One too many' });
    expect(refused).toMatchObject({ status: 422, body: { code: 'too_many_devices' } });
    await request(t.app).delete(`/api/plugin/devices/${created[0]!.body.device_id}`).set(bearer(seller)).expect(204);
    expect((await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'Now it fits' })).status).toBe(201);
  });

  it('When a device is revoked, then its token answers 401 at once; an unknown token, a bearer token or no token are refused too', async () => {
    const seller = await registerAccount(t.app);
    const created = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'Chrome' });
    const token = created.body.device_token as string;
    expect((await request(t.app).get('/api/plugin/tasks').set(device(token))).status).toBe(409);

    expect((await request(t.app).delete(`/api/plugin/devices/${created.body.device_id}`).set(bearer(seller))).status).toBe(204);
    const refused = await request(t.app).get('/api/plugin/tasks').set(device(token));
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 401, code: 'device_revoked' });
    expect((await request(t.app).delete(`/api/plugin/devices/${created.body.device_id}`).set(bearer(seller))).status).toBe(204);
    const list = await request(t.app).get('/api/plugin/devices').set(bearer(seller));
    expect(list.body.items[0].revoked_at).not.toBeNull();

    expect((await request(t.app).get('/api/plugin/tasks').set(device('sfd_unknown'))).body.code).toBe('device_revoked');
    expect((await request(t.app).get('/api/plugin/tasks').set(bearer(seller))).body.code).toBe('missing_device_token');
    expect((await request(t.app).get('/api/plugin/tasks')).status).toBe(401);
    // …and a device token is not a seller's access token.
    const another = await request(t.app).post('/api/plugin/devices').set(bearer(seller)).send({ name: 'Edge' });
    expect((await request(t.app).get('/api/plugin/devices').set(device(another.body.device_token))).status).toBe(401);
    // The tenant is the device's: the request cannot name one.
    const named = await request(t.app).get('/api/plugin/tasks?tenant_id=1').set(device(another.body.device_token));
    expect(named.status).toBe(400);
  });

  it("When a seller revokes another tenant's device, then it is not found and the device keeps working", async () => {
    const [owner, stranger] = await Promise.all([registerAccount(t.app), registerAccount(t.app)]);
    const created = await request(t.app).post('/api/plugin/devices').set(bearer(owner)).send({ name: 'Chrome' });
    const res = await request(t.app).delete(`/api/plugin/devices/${created.body.device_id}`).set(bearer(stranger));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('device_not_found');
    expect((await request(t.app).get('/api/plugin/devices').set(bearer(stranger))).body.items).toEqual([]);
    expect((await request(t.app).get('/api/plugin/tasks').set(device(created.body.device_token))).body.code).toBe('vinted_not_connected');
  });

  it('When the extension reports its Vinted member, then Vinted is connected in GET /api/integrations; the same member again records nothing; another member is 409', async () => {
    const seller = await registerAccount(t.app);
    expect(await vintedOf(seller)).toMatchObject({ status: 'disconnected', unavailable: null });
    const member = randomMember('fr');
    const extension = await pairExtension(t.baseUrl, seller.accessToken, { member: false });
    const paired = await extension.session(member);
    expect(paired.status).toBe(200);
    expect(paired.body).toEqual({ marketplace: 'vinted', status: 'connected', account: { id: member.id, name: member.login }, site: 'fr' });
    expect(await vintedOf(seller)).toMatchObject({ status: 'connected', account: { id: member.id, name: member.login, shop_id: null }, site: 'fr', scopes: [], options: {}, unavailable: null });

    const log = await t.services.eventStore.readStream(seller.tenantId, 'connection-vinted');
    expect(log.map((e) => e.type)).toEqual(['MarketplaceConnected']);
    expect(log[0]!.metadata).toMatchObject({ actor: seller.userId, device_id: extension.device.id });
    expect((await extension.session(member)).status).toBe(200);
    expect(await t.services.eventStore.readStream(seller.tenantId, 'connection-vinted')).toHaveLength(1);
    // A new login name for the same member is recorded.
    expect((await extension.session({ ...member, login: `${member.login}_2` })).status).toBe(200);
    expect((await vintedOf(seller)).account.name).toBe(`${member.login}_2`);

    const intruder = await extension.session(randomMember('fr'));
    expect(intruder.status).toBe(409);
    expect(intruder.body).toMatchObject({ code: 'marketplace_account_differs', errors: [{ field: 'account' }] });
    expect((await vintedOf(seller)).account.id).toBe(member.id);

    const invalid = await extension.request('POST', '/api/plugin/session', { vinted_member_id: 'abc', vinted_login: '', site: 'mars' });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['site', 'vinted_login', 'vinted_member_id']);
  });

  it('When a device is not signed in as the connected member, then it gets no work and its observations are refused, until it is', async () => {
    const seller = await registerAccount(t.app);
    const connected = await pairExtension(t.baseUrl, seller.accessToken);
    const unpaired = await pairExtension(t.baseUrl, seller.accessToken, { member: false });
    const elsewhere = await pairExtension(t.baseUrl, seller.accessToken, { member: false });
    expect((await elsewhere.session(randomMember())).status).toBe(409);
    expect((await connected.request('GET', '/api/plugin/tasks')).status).toBe(204);
    expect((await unpaired.request('GET', '/api/plugin/tasks')).body).toMatchObject({ status: 409, code: 'device_not_paired' });
    expect((await elsewhere.request('GET', '/api/plugin/tasks')).body).toMatchObject({ status: 409, code: 'vinted_member_differs' });
    expect((await elsewhere.observe({ removed: [{ vinted_item_id: '1' }] })).body).toMatchObject({ code: 'vinted_member_differs' });

    expect((await elsewhere.session(connected.member)).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/plugin/tasks')).status).toBe(204);
    // The seller disconnects Vinted: no device gets work until one pairs again.
    expect((await request(t.app).delete('/api/integrations/vinted').set(bearer(seller))).status).toBe(204);
    expect((await connected.request('GET', '/api/plugin/tasks')).body).toMatchObject({ code: 'vinted_not_connected' });
    expect((await connected.session()).status).toBe(200);
    expect((await connected.request('GET', '/api/plugin/tasks')).status).toBe(204);
  });

  it('When the last device is revoked, then Vinted is disconnected; while another remains, it stays connected', async () => {
    const seller = await registerAccount(t.app);
    const first = await pairExtension(t.baseUrl, seller.accessToken);
    const second = await pairExtension(t.baseUrl, seller.accessToken, { member: first.member });
    expect((await request(t.app).delete(`/api/plugin/devices/${first.device.id}`).set(bearer(seller))).status).toBe(204);
    expect((await vintedOf(seller)).status).toBe('connected');
    expect((await request(t.app).delete(`/api/plugin/devices/${second.device.id}`).set(bearer(seller))).status).toBe(204);
    expect(await vintedOf(seller)).toMatchObject({ status: 'disconnected', account: { id: first.member.id } });
    const log = await t.services.eventStore.readStream(seller.tenantId, 'connection-vinted');
    expect(log.map((e) => e.type)).toEqual(['MarketplaceConnected', 'MarketplaceDisconnected']);

    // Disconnected, a new device may pair with another member.
    const next = await pairExtension(t.baseUrl, seller.accessToken);
    expect((await vintedOf(seller)).account.id).toBe(next.member.id);
  });
});
