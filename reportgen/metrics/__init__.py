"""Pure computation: readings + config + period -> results. No files, no clock, no formatting."""

from .evaluate import evaluate

__all__ = ["evaluate"]
