"""Stretch Timer: a desktop app that coaches you through stretching routines."""

__version__ = "0.1.0"
