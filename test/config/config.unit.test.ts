import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { clientConnectionString } from '../../src/eventstore/esdb-event-store';

describe('configuration', () => {
  it('When nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8000,
      ENVIRONMENT: 'development',
      DEBUG: true,
      JWT_ALGORITHM: 'HS256',
      JWT_EXPIRE_MINUTES: 1440,
      JWT_REFRESH_EXPIRE_DAYS: 7,
      TENANT_SCHEMA_PREFIX: 'client_',
      TENANT_MAX_SCHEMAS: 1000,
      CORS_ORIGINS: ['http://localhost:3000'],
      STOFLOW_DATA_DIR: '.stoflow',
      LOG_LEVEL: 'info',
      VINTED_WRITES_PER_HOUR: 40,
      VINTED_MIN_GAP_SECONDS: 20,
      VINTED_MAX_GAP_SECONDS: 50,
      VINTED_TASK_LEASE_SECONDS: 120,
      VINTED_BLOCK_PAUSE_MINUTES: 60,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('When nothing is set, then login is limited as the README documents and bcrypt runs 2 at a time with 4 waiting', () => {
    expect(loadConfig({})).toMatchObject({
      RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: 10,
      RATE_LIMIT_LOGIN_PER_IP: 20,
      RATE_LIMIT_LOGIN_PER_EMAIL_IP: 5,
      RATE_LIMIT_LOGIN_PER_EMAIL: 10,
      RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: 1,
      RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS: 300,
      PASSWORD_HASH_CONCURRENCY: 2,
      PASSWORD_HASH_QUEUE: 4,
    });
  });

  it('When LOG_DIR is not set, then the logs go to the logs folder inside the data folder; when it is, then there', () => {
    expect(loadConfig({}).LOG_DIR).toBe(join('.stoflow', 'logs'));
    expect(loadConfig({ STOFLOW_DATA_DIR: '/var/lib/stoflow', LOG_DIR: '' }).LOG_DIR).toBe(join('/var/lib/stoflow', 'logs'));
    expect(loadConfig({ STOFLOW_DATA_DIR: '/var/lib/stoflow', LOG_DIR: ' /var/log/stoflow ' }).LOG_DIR).toBe('/var/log/stoflow');
  });

  it('When values are given as strings, then they are parsed into their types', () => {
    const config = loadConfig({ PORT: '9000', DEBUG: 'false', CORS_ORIGINS: 'https://a.example, https://b.example', TENANT_MAX_SCHEMAS: '5' });
    expect(config.PORT).toBe(9000);
    expect(config.DEBUG).toBe(false);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.TENANT_MAX_SCHEMAS).toBe(5);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DEBUG', { DEBUG: 'maybe' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'http://localhost:6379' }],
    ['ENVIRONMENT', { ENVIRONMENT: 'staging' }],
    ['JWT_ALGORITHM', { JWT_ALGORITHM: 'none' }],
    ['TENANT_SCHEMA_PREFIX', { TENANT_SCHEMA_PREFIX: 'Client-"; drop' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'not a url' }],
    ['JWT_SECRET_KEY', { ENVIRONMENT: 'production' }],
    ['JWT_SECRET_KEY', { JWT_SECRET_KEY: 'short' }],
    ['PASSWORD_PEPPER', { ENVIRONMENT: 'production', JWT_SECRET_KEY: 'x'.repeat(40) }],
    ['TOKEN_ENCRYPTION_KEY', { ENVIRONMENT: 'production', JWT_SECRET_KEY: 'x'.repeat(40), PASSWORD_PEPPER: 'p'.repeat(40) }],
    ['TOKEN_ENCRYPTION_KEY', { TOKEN_ENCRYPTION_KEY: 'ab'.repeat(16) }],
    ['TOKEN_ENCRYPTION_OLD_KEYS', { TOKEN_ENCRYPTION_OLD_KEYS: `${'ab'.repeat(32)},short` }],
    ['EBAY_MARKETPLACE_ID', { EBAY_MARKETPLACE_ID: 'FRANCE' }],
    ['EBAY_API_BASE_URL', { EBAY_API_BASE_URL: 'ftp://api.ebay.com' }],
    ['ETSY_REDIRECT_URI', { ETSY_REDIRECT_URI: 'stoflow.example/api/integrations/etsy/callback' }],
    ['ETSY_API_BASE_URL', { ETSY_API_BASE_URL: 'ftp://api.etsy.com' }],
    ['RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS', { RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: '60', RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS: '30' }],
    ['PASSWORD_HASH_CONCURRENCY', { PASSWORD_HASH_CONCURRENCY: '0' }],
    ['VINTED_MAX_GAP_SECONDS', { VINTED_MIN_GAP_SECONDS: '30', VINTED_MAX_GAP_SECONDS: '10' }],
    ['VINTED_WRITES_PER_HOUR', { VINTED_WRITES_PER_HOUR: '0' }],
    ['EVENT_STREAMS_PER_CONSUMER', { EVENT_STREAMS_PER_CONSUMER: '0' }],
    ['EVENT_STREAMS_PER_CONSUMER', { EVENT_STREAMS_PER_TENANT: '10', EVENT_STREAMS_PER_CONSUMER: '11' }],
    ['VINTED_TASK_LEASE_SECONDS', { VINTED_TASK_LEASE_SECONDS: '0' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENTSTORE_CONNECTION_STRING: 'kdbx://localhost:2113' }],
  ])('When %s is invalid, then loading fails naming that variable', (variable, env) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => p.variable);
    expect(problems).toContain(variable);
    expect((caught as ConfigError).message).toContain(variable);
  });

  it("When the event streams per consumer are not set, then a consumer may hold 5, or its tenant's cap when that is lower; when set, then that", () => {
    expect(loadConfig({})).toMatchObject({ EVENT_STREAMS_PER_TENANT: 20, EVENT_STREAMS_PER_CONSUMER: 5 });
    expect(loadConfig({ EVENT_STREAMS_PER_TENANT: '3' })).toMatchObject({ EVENT_STREAMS_PER_TENANT: 3, EVENT_STREAMS_PER_CONSUMER: 3 });
    expect(loadConfig({ EVENT_STREAMS_PER_TENANT: '50', EVENT_STREAMS_PER_CONSUMER: '50' })).toMatchObject({ EVENT_STREAMS_PER_CONSUMER: 50 });
  });

  it('When production has a strong JWT key, a password pepper and a token encryption key, then the configuration is accepted', () => {
    const config = loadConfig({ ENVIRONMENT: 'production', JWT_SECRET_KEY: 'x'.repeat(40), PASSWORD_PEPPER: 'p'.repeat(40), TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(config.ENVIRONMENT).toBe('production');
  });

  it("When the eBay environment is chosen, then the base URLs follow it, and a hand-set API base also serves eBay's identity calls", () => {
    expect(loadConfig({})).toMatchObject({ EBAY_API_BASE_URL: 'https://api.ebay.com', EBAY_AUTH_BASE_URL: 'https://auth.ebay.com', EBAY_IDENTITY_BASE_URL: 'https://apiz.ebay.com' });
    expect(loadConfig({ EBAY_ENVIRONMENT: 'sandbox' })).toMatchObject({ EBAY_API_BASE_URL: 'https://api.sandbox.ebay.com', EBAY_AUTH_BASE_URL: 'https://auth.sandbox.ebay.com', EBAY_IDENTITY_BASE_URL: 'https://apiz.sandbox.ebay.com' });
    expect(loadConfig({ EBAY_API_BASE_URL: 'http://127.0.0.1:9999/' })).toMatchObject({ EBAY_API_BASE_URL: 'http://127.0.0.1:9999', EBAY_IDENTITY_BASE_URL: 'http://127.0.0.1:9999' });
  });

  it("When Etsy's base URLs are not set, then Etsy's own apply; set by hand, they lose a trailing slash", () => {
    expect(loadConfig({})).toMatchObject({ ETSY_API_BASE_URL: 'https://api.etsy.com', ETSY_AUTH_BASE_URL: 'https://www.etsy.com' });
    expect(loadConfig({ ETSY_API_BASE_URL: 'http://127.0.0.1:9999/', ETSY_AUTH_BASE_URL: 'http://127.0.0.1:9999/' })).toMatchObject({ ETSY_API_BASE_URL: 'http://127.0.0.1:9999', ETSY_AUTH_BASE_URL: 'http://127.0.0.1:9999' });
    expect(loadConfig({}).ETSY_API_KEY).toBeUndefined();
  });

  it.each(['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover', 'kurrent', 'kurrent+discover', 'kdb', 'kdb+discover'])(
    'When EVENTSTORE_CONNECTION_STRING uses the %s:// scheme, then it is accepted and the client is given the esdb:// form of it',
    (scheme) => {
      const connection = `${scheme}://node1:2113,node2:2113?tls=false`;
      const config = loadConfig({ EVENTSTORE_CONNECTION_STRING: connection });
      expect(config.EVENTSTORE_CONNECTION_STRING).toBe(connection);
      expect(clientConnectionString(connection)).toBe(`${scheme.endsWith('+discover') ? 'esdb+discover' : 'esdb'}://node1:2113,node2:2113?tls=false`);
    },
  );
});
