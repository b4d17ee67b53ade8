"""In-process implementations of the marketplaces' protocols, for the demo and tests."""
