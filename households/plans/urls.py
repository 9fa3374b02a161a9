"""Pages of the assistance plan, included by households/urls.py (names plan_*)."""

from django.urls import path

from households.plans import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/actions/", views.plan_action_add, name="plan_action_add"),
    path("plans/actions/<int:pk>/step/", views.plan_action_step, name="plan_action_step"),
    path("plans/<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("plans/<int:pk>/reviews/", views.plan_review_add, name="plan_review_add"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
]
