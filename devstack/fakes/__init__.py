"""Local servers that speak the documented protocols of VK, OK and MAX, for tests and the demo."""
