"""云柜: convenience lockers — cabinets, compartments, deposits with one-time codes, the device protocol."""
