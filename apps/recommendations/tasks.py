from celery import shared_task

from apps.recommendations import services


@shared_task(
    name="recommendations.models_train", acks_late=True, soft_time_limit=1800, time_limit=2000
)
def models_train_task() -> dict:
    """Nightly on the `ml` queue: retrain every recommender and the load model."""
    return services.models_train()
