"""Pages of the creative places, one module per concern (see docs/architecture.md)."""
