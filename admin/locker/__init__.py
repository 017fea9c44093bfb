"""云柜 in the console: cabinets and their compartments, deposits for residents, retrieval and alerts."""
