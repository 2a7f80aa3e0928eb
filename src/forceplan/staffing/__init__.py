"""From demand to officers needed: queueing, allowances and establishment (the staffing issue)."""
