from django.urls import path

from apps.recommendations import views

urlpatterns = [
    path("", views.for_you, name="recommendations-for-you"),
    path("feedback/", views.feedback, name="recommendations-feedback"),
]
