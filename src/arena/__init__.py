"""Arena: rank AI models by what real people prefer."""

__version__ = "0.1.0"
