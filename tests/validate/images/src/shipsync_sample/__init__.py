"""A sample package for the validate tests."""

__version__ = "1.2.3"
