"""What the tests share: the databases and Redis they run on (`databases`, `dependencies`),
data built through the real services (`factories`), the servers they start and stop
(`servers`, `threaded_server`, `production`), waiting for an event instead of a time
(`waiting`), captured Twilio payloads (`twilio_payloads`), and small HTTP, storage and outbox
helpers. Test files import from here; nothing here is a test."""
