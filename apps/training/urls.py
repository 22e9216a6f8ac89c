from django.urls import path

from apps.training import views

urlpatterns = [
    path("", views.activity_list, name="training-activities"),
    path("new/", views.activity_new, name="training-activity-new"),
    path("export.csv", views.activities_csv, name="training-activities-csv"),
    path("<int:activity_id>/", views.activity_detail, name="training-activity"),
    path("<int:activity_id>/edit/", views.activity_edit, name="training-activity-edit"),
    path("<int:activity_id>/delete/", views.activity_delete, name="training-activity-delete"),
    path("<int:activity_id>/gpx/", views.activity_gpx, name="training-activity-gpx"),
    path(
        "<int:activity_id>/route/", views.route_from_activity, name="training-route-from-activity"
    ),
]

route_urlpatterns = [
    path("", views.route_list, name="training-routes"),
    path("<int:route_id>/", views.route_detail, name="training-route"),
    path("<int:route_id>/gpx/", views.route_gpx, name="training-route-gpx"),
    path("<int:route_id>/delete/", views.route_delete, name="training-route-delete"),
]
