"""Officer welfare: fatigue, rest days, working time, absence, caseload, trauma exposure."""
