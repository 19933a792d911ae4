"""The rules of the room. Plain Python: no Textual here; functions return plain data."""
