"""办事指南: writing, searching, publishing and withdrawing procedure guides."""
