"""acme."""
__version__ = "2.0.0"  # pdm-backend reads this line
