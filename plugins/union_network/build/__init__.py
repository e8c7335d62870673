"""Orchestration: fast path, fingerprints, workers, shards, staged output."""
