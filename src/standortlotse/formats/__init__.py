"""Date and number formats per language (settings.FORMAT_MODULE_PATH), where Django's own differ
from what the site writes. Django looks here first and falls back to its own module for the
rest (input formats, separators of German)."""
