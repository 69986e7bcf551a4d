"""The acme documentation generator."""

__version__ = '7.3.0'
version_info = (7, 3, 0, 'final', 0)

if False:
    __version__ = '0.0.0'
