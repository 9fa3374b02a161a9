from django.urls import path

from households import procedure_urls, views
from households.review_views import urlpatterns as review_urlpatterns

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("<int:pk>/", views.household_detail, name="detail"),
    *procedure_urls.urlpatterns,  # names application_*
    *review_urlpatterns,  # names review_*, change_report_*
]
