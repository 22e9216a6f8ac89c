from django.urls import path

from apps.devices import views

urlpatterns = [
    path("", views.upload_list, name="devices-uploads"),
    path("<int:upload_id>/", views.upload_detail, name="devices-upload"),
]
