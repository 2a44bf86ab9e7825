"""Ingest: inbound SMS webhooks, accepted in the request (one INSERT) and routed just after.

`accept` is all the request does once the signature holds: a durable, MessageSid-deduplicated
row. `routing` turns accepted rows into messages (receive_sms's work) in arrival order per phone,
under the phone's lock, so any number of routers route each row once. `router` is the app's
lifespan task that runs it when woken, at start and as a periodic sweep. `numbers` answers "is
this a provider number?" from memory.
"""
