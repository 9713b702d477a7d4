"""Accounts: password policy and hashing, and the session tokens of signed-in browsers."""
