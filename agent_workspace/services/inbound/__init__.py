"""Inbound: accepting, routing and receiving the texts consumers send to a provider number.

`accept` is all the webhook request does once the route (web/routes.py) has checked the
signature, parsed the form and found the To number's channel: one INSERT of the checked text,
its channel and the form as posted, the unique MessageSid making a provider's retry a no-op;
and the gate that lets accepts go before routing. `route` is the app's router task and what it
runs: accepted rows in arrival order per phone, each once, under the phone's lock, the text
and channel built from the row. `receive` turns one text into a message of the phone's
interaction (opt-outs, the profile, the routing decision, events); `receive_sms` does it
directly (tests, tools) with its own look-ups. Which channel owns a number is
services/channels/numbers.py's.
"""
