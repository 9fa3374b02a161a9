from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic data at scale (``seed_scale``) for the benchmark; no models, nothing imports it."""

    name = "bench"
    verbose_name = "Benchmark"
