"""mailbot: answers platforms' privacy teams on a person's behalf."""

__version__ = "0.1.0"
