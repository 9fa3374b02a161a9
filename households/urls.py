from django.urls import path

from households import views
from households.review_views import urlpatterns as review_urlpatterns  # review

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("<int:pk>/", views.household_detail, name="detail"),
]
urlpatterns += review_urlpatterns  # review
