"""reportgen: target-tracking reports for Chinese development zones."""

__version__ = "0.1.0"
