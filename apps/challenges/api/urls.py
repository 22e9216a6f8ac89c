from django.urls import path

from apps.challenges.api import views

urlpatterns = [
    path("challenges/", views.ChallengeListView.as_view(), name="api-challenges"),
    path(
        "challenges/<int:challenge_id>/",
        views.ChallengeDetailView.as_view(),
        name="api-challenge",
    ),
    path(
        "challenges/<int:challenge_id>/join/",
        views.ChallengeJoinView.as_view(),
        name="api-challenge-join",
    ),
    path(
        "challenges/<int:challenge_id>/leave/",
        views.ChallengeLeaveView.as_view(),
        name="api-challenge-leave",
    ),
    path(
        "challenges/<int:challenge_id>/leaderboard/",
        views.ChallengeLeaderboardView.as_view(),
        name="api-challenge-leaderboard",
    ),
    path("leaderboards/", views.LeaderboardView.as_view(), name="api-leaderboard"),
    path(
        "leaderboards/settings/",
        views.LeaderboardSettingsView.as_view(),
        name="api-leaderboard-settings",
    ),
    path("badges/", views.BadgeCabinetView.as_view(), name="api-badges"),
    path("segments/", views.SegmentCreateView.as_view(), name="api-segments"),
    path("segments/<int:segment_id>/", views.SegmentDetailView.as_view(), name="api-segment"),
]
