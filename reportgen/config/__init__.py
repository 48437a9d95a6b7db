"""Config: the only code that reads YAML. `load_config(path)` returns a validated `Config`."""

from .load import load_config
from .model import Config, Indicator

__all__ = ["Config", "Indicator", "load_config"]
