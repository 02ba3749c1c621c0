"""Routes of the API process: the JSON API under /api, the examples' API under /example-api."""

from django.urls import path

from tutor import example_api, views

urlpatterns = [
    path("api/health", views.health),
    path("api/metrics", views.show_metrics),
    path("api/exercises", views.exercise_list),
    path("api/exercises/<path:exercise_id>/runs", views.runs),
    path("api/openapi.json", views.openapi),
    path("example-api/quotes/<str:number>", example_api.quote),
    path("example-api/slow", example_api.slow),
    path("example-api/weather", example_api.weather),
    path("example-api/status/<int:code>", example_api.status),
    path("example-api/echo", example_api.echo),
]

handler400 = "tutor.views.bad_request"
handler404 = "tutor.views.not_found"
handler500 = "tutor.views.server_error"
