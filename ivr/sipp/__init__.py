"""SIPp (Debian's sip-tester) as callers and agents' phones: scenarios rendered from a few facts
(pure) and the processes that run them, for tests and `ivrctl demo agents`."""
