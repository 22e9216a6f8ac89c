from apps.training.plans import personal_data as _plans  # noqa: F401
