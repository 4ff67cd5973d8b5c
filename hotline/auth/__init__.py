"""Bearer tokens for the HTTP API: roles viewer, agent (bound to one agent id), supervisor
(a viewer who may also listen to recordings), ops, recorder (voice prompts only); a
recorder's phone login (phone)."""
from hotline.auth.tokens import ROLES, Principal, Role, TokenStore, hash_token

__all__ = ["ROLES", "Principal", "Role", "TokenStore", "hash_token"]
