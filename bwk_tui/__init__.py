"""bwk: the desk software of a buurtwerkkamer."""
__version__ = "0.1.0"
