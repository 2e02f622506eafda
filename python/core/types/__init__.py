"""Blok's context, response and error types (``core.types.*``)."""
