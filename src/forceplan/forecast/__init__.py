"""Demand forecasts with intervals (the forecasting issue)."""
