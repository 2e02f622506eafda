"""Sync echo: the same as echo.py plus the hop through the thread pool that sync nodes take."""


def handle(ctx, inputs):
    return inputs
