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

segment_urlpatterns = [
    path("", views.segment_list, name="challenges-segments"),
    path("<int:segment_id>/", views.segment_detail, name="challenges-segment"),
]

leaderboard_urlpatterns = [path("", views.leaderboard, name="leaderboards")]
