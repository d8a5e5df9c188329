"""Books shipments with carriers when an order is paid."""

__version__ = "1.8.0"
