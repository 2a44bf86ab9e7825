"""Service levels (issue 27 item 8): a channel's business calendar (calendars.py) and the
facts, policies and nearest clocks of conversations as lists and headers show them
(clocks.py); the rules are domain/sla.py. This group reads models only, so every list may show
its clocks: the administration of policies is services/channels/sla_policies.py, and the
alarm that tells of a breach once is services/interactions/sla_alarm.py.
"""
