"""The outside world: configuration, start-up, and the platforms (console, Matrix, Discord)."""
