"""Pages of the property register, one module per concern (see docs/architecture.md)."""
