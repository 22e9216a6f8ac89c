from django.urls import path

from apps.gear import views

urlpatterns = [
    path("", views.gear_list, name="gear-list"),
    path("<int:gear_id>/", views.gear_detail, name="gear-detail"),
    path("<int:gear_id>/retire/", views.gear_retire, name="gear-retire"),
    path("from-catalog/<int:product_id>/", views.gear_from_product, name="gear-from-product"),
]

catalog_urlpatterns = [
    path("", views.catalog_list, name="catalog-list"),
    path("<int:product_id>/", views.catalog_detail, name="catalog-detail"),
]
