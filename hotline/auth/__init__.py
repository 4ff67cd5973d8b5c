"""Bearer tokens for the HTTP API: roles viewer, agent (bound to one agent id), ops,
recorder (voice prompts)."""
from hotline.auth.tokens import ROLES, Principal, Role, TokenStore, hash_token

__all__ = ["ROLES", "Principal", "Role", "TokenStore", "hash_token"]
