"""The Qt window: widgets and the one controller that drives the engine from a QTimer."""
