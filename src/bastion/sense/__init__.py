"""Sensor models: simulated truth -> detections, in the same form live adapters produce."""
