"""Social sign-in providers (allauth). Owned by the accounts social-login work."""
