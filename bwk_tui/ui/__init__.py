"""The Textual user interface. Calls services only; never builds a query."""
