"""Prefect tasks the flows run: thin wrappers, with retries where they talk to the outside."""
