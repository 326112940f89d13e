"""Figures for /rekap: the queries and the daily rollups behind them."""
