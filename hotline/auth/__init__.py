"""Bearer tokens for the HTTP API: roles viewer, agent (bound to one agent id), ops."""
from hotline.auth.tokens import ROLES, Principal, Role, TokenStore, hash_token

__all__ = ["ROLES", "Principal", "Role", "TokenStore", "hash_token"]
