"""The shared core: the data contract (types), the settings tree and the user errors.

Both sides use it and it imports neither: ingest/ writes the index, assistant/ reads it,
eval/ and app.py sit on top (tests/test_layers.py holds every import to that order).
"""
