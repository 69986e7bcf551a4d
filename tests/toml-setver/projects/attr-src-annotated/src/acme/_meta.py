from typing import Final

VERSION: Final[str] = '1.4.0'  # the release
