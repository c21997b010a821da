"""Signals of the geography app."""

from django.dispatch import Signal

# Sent after shipped or operator data (municipalities, infrastructure) were loaded, with
# ``reason``: receivers bring what they derive from it up to date (the property register
# recomputes its location facts) and return a short report line.
reference_data_loaded = Signal()
