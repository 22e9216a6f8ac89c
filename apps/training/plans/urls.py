from django.urls import path

from apps.training.plans import views

urlpatterns = [
    path("", views.plan_list, name="plans-list"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="plans-calendar"),
    path("mine/<int:enrollment_id>/", views.schedule, name="plans-schedule"),
    path(
        "mine/<int:enrollment_id>/sessions/<int:session_id>/skip/",
        views.session_skip,
        name="plans-session-skip",
    ),
    path(
        "mine/<int:enrollment_id>/sessions/<int:session_id>/move/",
        views.session_reschedule,
        name="plans-session-reschedule",
    ),
    path(
        "mine/<int:enrollment_id>/calendar/",
        views.calendar_regenerate,
        name="plans-calendar-regenerate",
    ),
    path("mine/<int:enrollment_id>/stop/", views.enrollment_abandon, name="plans-abandon"),
    path("<slug:slug>/", views.plan_detail, name="plans-detail"),
    path("<slug:slug>/enroll/", views.plan_enroll, name="plans-enroll"),
]
