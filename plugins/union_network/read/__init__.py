"""Readers: files of the network root -> core data, every problem collected as ``path:line: message``."""
