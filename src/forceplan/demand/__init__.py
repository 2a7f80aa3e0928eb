"""Comparable indicators of demand and capacity, and the cost of displaced demand."""
