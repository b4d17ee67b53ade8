"""Marketplace adapters behind one protocol."""
