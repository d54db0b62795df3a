"""The bounded load test behind `make load`."""
