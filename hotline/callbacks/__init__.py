"""Callbacks: the virtual-hold offer to waiting callers and the calls back.

- policy: the configuration and the pure rules (when to offer, which numbers, retries);
- offer: the conversation on hold (FastAGI) that takes the caller's number;
- service: VirtualHold, which keeps callback tasks, puts them in line with the router and
  records each attempt's outcome.
"""
