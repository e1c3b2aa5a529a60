"""Developer tools: the live-reload server behind invoke serve."""
