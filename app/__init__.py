"""fjernarbeid: remote-work research turned into decisions for Norwegian regional councils."""

__version__ = "0.1.0"
