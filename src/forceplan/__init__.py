"""forceplan: match police resources to demand while protecting officers' welfare."""

from forceplan.standard import STANDARD_VERSION

__version__ = "0.1.0"
__all__ = ["STANDARD_VERSION", "__version__"]
