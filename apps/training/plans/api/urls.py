from django.urls import path

from apps.training.plans.api import views

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="api-plans"),
    path("plans/enrollments/", views.EnrollmentListView.as_view(), name="api-plan-enrollments"),
    path(
        "plans/enrollments/<int:enrollment_id>/",
        views.EnrollmentDetailView.as_view(),
        name="api-plan-enrollment",
    ),
    path(
        "plans/enrollments/<int:enrollment_id>/sessions/",
        views.SessionListView.as_view(),
        name="api-plan-sessions",
    ),
    path(
        "plans/enrollments/<int:enrollment_id>/sessions/<int:session_id>/skip/",
        views.SessionSkipView.as_view(),
        name="api-plan-session-skip",
    ),
    path(
        "plans/enrollments/<int:enrollment_id>/sessions/<int:session_id>/reschedule/",
        views.SessionRescheduleView.as_view(),
        name="api-plan-session-reschedule",
    ),
    path(
        "plans/enrollments/<int:enrollment_id>/calendar-token/",
        views.CalendarTokenView.as_view(),
        name="api-plan-calendar-token",
    ),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="api-plan"),
    path("plans/<slug:slug>/enroll/", views.PlanEnrollView.as_view(), name="api-plan-enroll"),
]
