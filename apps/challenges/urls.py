from django.urls import path

from apps.challenges import views

urlpatterns = [
    path("", views.challenge_list, name="challenges-list"),
    path("badges/", views.badge_cabinet, name="challenges-badges"),
    path("<int:challenge_id>/", views.challenge_detail, name="challenges-detail"),
    path(
        "<int:challenge_id>/membership/",
        views.challenge_membership,
        name="challenges-membership",
    ),
]

leaderboard_urlpatterns = [path("", views.leaderboard, name="leaderboards")]
