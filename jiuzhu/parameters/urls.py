from django.urls import path

from jiuzhu.parameters import views

app_name = "parameters"
urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", views.policy_create, name="policy_create"),
    path("<int:pk>/", views.policy_edit, name="policy_edit"),
]
