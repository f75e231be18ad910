"""A faithful, stateful local OpenAI Audio API server for tests, demos and benchmarks."""
