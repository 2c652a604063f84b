"""grantmatch core."""
