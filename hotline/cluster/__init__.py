"""Running as an active/standby pair: the lease that says which service acts."""
