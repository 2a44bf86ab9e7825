"""Service levels (issue 27 item 8): the policies administrators set (policies.py), the facts
and clocks of conversations as lists and headers show them (clocks.py), and the alarm that
tells the assignee and supervisors of a breach once (breaches.py). The rules are domain/sla.py.
"""
