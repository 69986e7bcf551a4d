from ._meta import VERSION as __version__
