"""困难救助 in the console."""
