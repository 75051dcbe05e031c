// Every test process runs as the test environment, quietly.
process.env.ENVIRONMENT = 'test';
process.env.LOG_LEVEL = process.env.STOFLOW_TEST_LOG_LEVEL ?? 'silent';
