from django.urls import path

from yizhan.ledgers import views_export, views_import

app_name = "ledgers"
urlpatterns = [
    path("", views_import.index, name="index"),
    path("import/", views_import.upload, name="import"),
    path("import/<int:run_pk>/", views_import.preview, name="import_preview"),
    path("runs/", views_import.runs, name="runs"),
    path("runs/<int:run_pk>/", views_import.run, name="run"),
    path("runs/<int:run_pk>/report.xlsx", views_import.run_report, name="run_report"),
    path("runs/<int:run_pk>/cancel/", views_import.run_cancel, name="run_cancel"),
    path("runs/<int:run_pk>/undo/", views_import.run_undo, name="run_undo"),
    path("exports/", views_export.export_index, name="exports"),
    path("exports/<slug:slug>/", views_export.export_ledger, name="export"),
    path("exports/<slug:slug>/print/", views_export.print_ledger, name="print"),
    path("exports/runs/<int:export_run_pk>/", views_export.export_run, name="export_run"),
    path("exports/runs/<int:export_run_pk>/download/", views_export.export_download, name="export_download"),
    path("exports/campaigns/<int:campaign_pk>/", views_export.campaign_export, name="campaign_export"),
]
