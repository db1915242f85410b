"""The engine: scenarios, data, models, training, probes and traces (no UI imports)."""
