"""Hosting of the pure alerts/ package in faust: state tables, the control topic, the agents."""
