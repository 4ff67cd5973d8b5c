"""Call recording: the policy per business line (policy), storage checks and registration of
Asterisk's MixMonitor files (desk), retention purges."""
