"""Contracts and policy packs as versioned, published data."""
