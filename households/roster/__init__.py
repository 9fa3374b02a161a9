"""The roster: household imports and exports, run as jobs with a progress page."""
