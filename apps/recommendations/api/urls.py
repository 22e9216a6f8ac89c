from django.urls import path

from apps.recommendations.api import views

urlpatterns = [
    path("recommendations/", views.RecommendationListView.as_view(), name="api-recommendations"),
    path(
        "recommendations/feedback/",
        views.FeedbackView.as_view(),
        name="api-recommendations-feedback",
    ),
]
