"""The outbox: a Send's whole life after its commit.

Waiting messages and their claims under a fenced lease (`claims`), the dispatcher that sends
them to the provider outside any request, state lock or transaction (`dispatch`), the
provider's word on each one, its acceptance, status callbacks and the status asked for when
a callback never came (`statuses`), and the wake-ups that make a dispatcher look as soon as a
commit queues work, in this process and in every other one (`wakeups`).
"""
