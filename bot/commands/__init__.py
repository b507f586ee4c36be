"""Commands declared once, as data, and the parser every adapter shares."""
