"""Pages of the dynamic review, included by households/urls.py (names review_*, change_report_*)."""

from django.urls import path

from households.review import views

urlpatterns = [
    path("reviews/", views.review_task_list, name="review_task_list"),
    path("reviews/<int:pk>/", views.review_task_detail, name="review_task_detail"),
    path("reviews/confirm/", views.review_confirm_queue, name="review_confirm_queue"),
    path("reviews/records/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("reviews/runs/", views.review_run_list, name="review_run_list"),
    path("change-reports/", views.change_report_list, name="change_report_list"),
    path("change-reports/new/", views.change_report_create, name="change_report_create"),
]
