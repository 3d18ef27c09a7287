"""A local AWS for nixl-tui: moto behind a front that simulates what moto fakes.

Modules: wire (request parsing, reply and error shapes), faults (fault injection),
motoctl (the in-process moto server and direct backend access), cfn (stack
timelines), capacity (EC2 capacity reservations and blocks), ssmrun (SSM agents
and real command execution), server (the HTTP front, routing, control API).
"""
